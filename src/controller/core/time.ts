// Time as the core sees it: the injected `now` (an Instant), status timestamps (RFC 3339, second
// precision as Kubernetes writes metav1.Time) and Go-style durations ("10s", "1m30s", "500ms", "1.5h")
// as written in spec.limits and spec.backoff. Nothing here reads the system clock.
import type { Instant } from './types.js';

export function toEpochMs(instant: Instant): number {
  return typeof instant === 'number' ? instant : instant.getTime();
}

/** RFC 3339 in UTC without milliseconds, as Kubernetes writes metav1.Time. */
export function toTimestamp(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1_000) * 1_000).toISOString().replace('.000Z', 'Z');
}

/**
 * RFC 3339 with milliseconds, for instants that are compared with each other (a node pool's last read
 * and our last write to it): whole seconds would make a read and the write planned on it equal.
 */
export function toPreciseTimestamp(epochMs: number): string {
  return new Date(Math.floor(epochMs)).toISOString();
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

// Go-style durations.
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const WHOLE = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;
const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/** Parses a Go duration into milliseconds (fractions of a millisecond kept). Throws on malformed input. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^[-+]?0$/.test(trimmed)) return 0;
  if (!WHOLE.test(trimmed)) {
    throw new Error(`invalid duration "${text}": expected Go form such as 10s, 1m30s, 500ms or 1h`);
  }
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(TERM)) {
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  }
  return trimmed.startsWith('-') ? -total : total;
}

/** parseDuration without the throw: undefined when malformed. */
export function tryParseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

/** Short human form for messages: "500ms", "40s", "1m30s", "2h5m". Rounds to the second from 1 s up. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const totalSeconds = Math.round(ms / 1_000);
  const hours = Math.floor(totalSeconds / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  const parts = [hours > 0 ? `${hours}h` : '', minutes > 0 ? `${minutes}m` : '', seconds > 0 ? `${seconds}s` : ''];
  return parts.join('');
}
