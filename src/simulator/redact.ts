// Request bodies are kept (task parameters, the request record) and logged in part; passwords and
// secrets in them never are.

export const REDACTED = '******';
const SECRET_KEY_PATTERN = /password|secret/i;

/** A deep copy of `value` in which every value under a password- or secret-like key is replaced. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(redactSecrets);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, SECRET_KEY_PATTERN.test(key) ? REDACTED : redactSecrets(item)]),
    );
  }
  return value;
}
