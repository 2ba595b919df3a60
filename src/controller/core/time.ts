// Conversions between the injected `now`, status timestamps (RFC 3339) and epoch milliseconds.
import type { Instant } from './types.js';

export function toEpochMs(instant: Instant): number {
  return typeof instant === 'number' ? instant : instant.getTime();
}

/** RFC 3339 in UTC without milliseconds, as Kubernetes writes metav1.Time. */
export function toTimestamp(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1_000) * 1_000).toISOString().replace('.000Z', 'Z');
}

/** Epoch ms of an RFC 3339 timestamp; undefined when absent or unparsable. */
export function parseTimestamp(text: string | null | undefined): number | undefined {
  if (text === undefined || text === null || text === '') return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Like toTimestamp but rounded up, for deadlines that must not come early (nextRetryTime). */
export function toTimestampCeil(epochMs: number): string {
  return toTimestamp(Math.ceil(epochMs / 1_000) * 1_000);
}
