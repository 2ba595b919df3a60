// ACK reports times in Beijing time with an explicit offset and whole seconds, e.g.
// "2020-11-10T16:02:04+08:00" (ack-api.md §4).

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

export function formatAckTime(epochMs: number): string {
  const shifted = new Date(Math.floor(epochMs / 1000) * 1000 + BEIJING_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 19)}+08:00`;
}

const ACS_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Parses the signed `x-acs-date` header, which the SDK sends as UTC without milliseconds. */
export function parseAcsDate(value: string): number | undefined {
  if (!ACS_DATE_PATTERN.test(value)) {
    return undefined;
  }
  const epochMs = Date.parse(value);
  return Number.isNaN(epochMs) ? undefined : epochMs;
}

export function formatAcsDate(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "1500", "1500ms", "2s", "1.5m", "1h" → milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const unit = UNIT_MS[match[2] ?? 'ms'] ?? 1;
  return Math.round(Number(match[1]) * unit);
}
