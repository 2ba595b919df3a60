// Secrets must never reach logs, Events or status. Anything that looks like a credential is
// replaced by this marker before a log line is written, whatever the caller passed in.
const SECRET_KEY = /pass(word)?|secret|token|authorization|credential|login_password|accesskeysecret/i;
export const REDACTED = '[REDACTED]';

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && typeof v !== 'object' ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
