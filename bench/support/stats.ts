// Percentiles and spreads of benchmark samples.

/** Nearest-rank percentile (p in 0..100) of the values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? NaN;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  return { min: Math.min(...values), median: percentile(values, 50), max: Math.max(...values) };
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function mib(bytes: number): number {
  return round(bytes / (1024 * 1024), 1);
}

/** "12.3 / 14.0 / 15.2" (min / median / max), or the single value when there is one run. */
export function formatSpread(values: readonly number[], digits = 1): string {
  if (values.length === 1) return String(round(values[0] ?? NaN, digits));
  const s = spread(values);
  return `${round(s.min, digits)} / ${round(s.median, digits)} / ${round(s.max, digits)} (min / median / max of ${values.length})`;
}
