// Identifier formats copied from ACK's examples (ack-api.md §3.3): task `T-` + 24 hex, request id an
// upper-case UUID, ECS instance `i-` + 20 lower-case alphanumerics. Ids come from crypto randomness,
// not the fault PRNG, so that two simulators sharing a seed (and a kube-apiserver) never collide.
import { randomBytes, randomUUID } from 'node:crypto';

export const TASK_ID_PATTERN = /^T-[0-9a-f]{24}$/;
export const REQUEST_ID_PATTERN = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
export const INSTANCE_ID_PATTERN = /^i-[0-9a-z]{20}$/;
export const NODEPOOL_ID_PATTERN = /^np[0-9a-f]{32}$/;

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

export function newTaskId(): string {
  return `T-${randomBytes(12).toString('hex')}`;
}

export function newNodepoolId(): string {
  return `np${randomBytes(16).toString('hex')}`;
}

export function newInstanceId(): string {
  const bytes = randomBytes(20);
  let suffix = '';
  for (const byte of bytes) {
    suffix += ALPHANUMERIC.charAt(byte % ALPHANUMERIC.length);
  }
  return `i-${suffix}`;
}

/** A private address in 10.0.0.0/8 not in `used`; random so runs against a shared API server rarely clash. */
export function newPrivateIp(used: ReadonlySet<string>): string {
  for (;;) {
    const [a = 0, b = 0, c = 0] = randomBytes(3);
    const ip = `10.${a}.${b}.${(c % 253) + 1}`;
    if (!used.has(ip)) {
      return ip;
    }
  }
}

/** ESS scaling group ids look like `asg-` + 20 lower-case alphanumerics. */
export function newScalingGroupId(): string {
  return `asg-${newInstanceId().slice(2)}`;
}
