// One time base for every timestamp of a benchmark: epoch milliseconds with sub-millisecond
// resolution, so the writer, the bare watch and the simulator's arrival hook compare exactly.
import { performance } from 'node:perf_hooks';
import { eventually } from '../../test/support/eventually.js';

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` every `intervalMs` until it returns a value other than undefined/false. */
export function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, intervalMs = 50): Promise<T> {
  return eventually(what, probe, timeoutMs, intervalMs);
}
