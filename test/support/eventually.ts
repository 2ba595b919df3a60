// Polling until a probe returns a value: shared by the integration tests and the benchmarks, which
// both wait on real processes (API server, simulator, operator) rather than on fakes.

/**
 * Calls `probe` every `intervalMs` until it returns something other than undefined or false, and
 * returns that. A probe that throws is tried again; its last error is named if time runs out.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
