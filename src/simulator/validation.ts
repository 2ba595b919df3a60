// The ScaleOutCluster request rules of the seed document (seed/000_d4a4ba8d38d52485.txt) plus the
// general ones of ack-api.md §3.1. A request is normalised into ScaleOutRequest or refused with the
// first problem found. Unknown keys are ignored, as ACK does.
import { readLoginCredential } from './credential-rules.js';
import { readDataDisks, readSystemDisk, type DiskSpec } from './disk-rules.js';
import { invalidParameter } from './errors.js';
import {
  readEnum,
  readInteger,
  readOptionalBoolean,
  readStringList,
  type JsonObject,
} from './field-checks.js';
import { readTags, readTaints, type NodeTag, type NodeTaint } from './tag-rules.js';

export const SANDBOX_INSTANCE_TYPES = ['ecs.ebmg5s.24xlarge', 'ecs.ebmc5s.24xlarge', 'ecs.ebmgn6i.24xlarge'] as const;
export const CHARGE_TYPES = ['PostPaid', 'PrePaid'] as const;
export type ChargeType = (typeof CHARGE_TYPES)[number];

const PREPAID_PERIODS = [1, 2, 3, 6, 12, 24, 36, 48, 60];

export interface ScaleOutRules {
  /** A sandboxed-container cluster applies the seed's bare-metal and data-disk rules. */
  sandbox: boolean;
  maxNodesPerCall: number;
}

export interface ScaleOutRequest {
  count: number;
  vswitchIds: string[];
  instanceTypes: string[];
  chargeType: ChargeType;
  keyPair?: string;
  hasLoginPassword: boolean;
  dataDisks: DiskSpec[];
  systemDisk: DiskSpec;
  tags: NodeTag[];
  taints: NodeTaint[];
  disableRollback: boolean;
}

function readInstanceTypes(body: JsonObject, sandbox: boolean): string[] {
  const types = readStringList('worker_instance_types', body.worker_instance_types, { min: 1, max: 10 });
  if (sandbox) {
    const unsupported = types.find((type) => !(SANDBOX_INSTANCE_TYPES as readonly string[]).includes(type));
    if (unsupported !== undefined) {
      throw invalidParameter(
        'worker_instance_types',
        `contains ${unsupported}, which cannot run sandboxed containers; supported: ${SANDBOX_INSTANCE_TYPES.join(', ')}`,
      );
    }
  }
  return types;
}

function readVSwitchIds(body: JsonObject): string[] {
  const ids = readStringList('vswitch_ids', body.vswitch_ids, { min: 1, max: 3 });
  if (new Set(ids).size !== ids.length) {
    throw invalidParameter('vswitch_ids', 'must not list the same vSwitch twice');
  }
  return ids;
}

function readChargeType(body: JsonObject): ChargeType {
  const chargeType = readEnum('worker_instance_charge_type', body.worker_instance_charge_type, CHARGE_TYPES, 'PostPaid');
  if (chargeType === 'PrePaid' && body.worker_period !== undefined) {
    const period = readInteger('worker_period', body.worker_period, { min: 1, max: 60 });
    if (!PREPAID_PERIODS.includes(period)) {
      throw invalidParameter('worker_period', `must be one of ${PREPAID_PERIODS.join(', ')}, got ${period}`);
    }
  }
  if (chargeType === 'PrePaid') {
    readEnum('worker_period_unit', body.worker_period_unit, ['Month'], 'Month');
  }
  return chargeType;
}

export function validateScaleOut(body: JsonObject, rules: ScaleOutRules): ScaleOutRequest {
  const count = readInteger('count', body.count, { min: 1, max: rules.maxNodesPerCall });
  const credential = readLoginCredential(body);
  const vswitchIds = readVSwitchIds(body);
  const instanceTypes = readInstanceTypes(body, rules.sandbox);
  const dataDisks = readDataDisks(body, rules.sandbox);
  const systemDisk = readSystemDisk(body, rules.sandbox);
  const chargeType = readChargeType(body);
  const tags = readTags(body);
  const taints = readTaints(body);
  const disableRollback = readOptionalBoolean('disable_rollback', body.disable_rollback) ?? false;
  return {
    count,
    vswitchIds,
    instanceTypes,
    chargeType,
    ...(credential.keyPair === undefined ? {} : { keyPair: credential.keyPair }),
    hasLoginPassword: credential.hasLoginPassword,
    dataDisks,
    systemDisk,
    tags,
    taints,
    disableRollback,
  };
}
