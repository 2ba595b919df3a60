// Time as a dependency: every component here that waits or compares times takes a Clock, so unit
// tests drive time with a fake clock instead of sleeping, and decisions never read Date.now().

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs fn once after delayMs (0 or less: as soon as possible, still asynchronously). */
  setTimer(fn: () => void, delayMs: number): TimerHandle;
}

export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const timer = setTimeout(fn, Math.max(0, delayMs));
    return { cancel: () => { clearTimeout(timer); } };
  },
});

/**
 * Resolves after delayMs on the given clock, or early (without error) when the signal aborts,
 * so long-running loops can wait between attempts and still stop promptly.
 */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      resolve();
    };
    const timer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
