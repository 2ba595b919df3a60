// Go-style durations ("90s", "1m30s", "500ms", "1.5h") for command-line flags, the form
// Kubernetes operators (and this CRD's spec.limits/spec.backoff) write durations in.
// A neutral home, so config.ts does not import the controller core; the core has its own
// parser for the CRD fields (src/controller/core/durations.ts), to be merged with this one.

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

/** Milliseconds of a Go duration (fractions kept), or undefined when the text is not one. "0" is 0. */
export function parseGoDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^[-+]?0$/.test(trimmed)) return 0;
  if (!WHOLE.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(TERM)) total += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  return trimmed.startsWith('-') ? -total : total;
}
