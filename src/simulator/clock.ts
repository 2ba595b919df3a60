/** Source of "now" in epoch milliseconds; tests inject a manual clock to make time-based behaviour exact. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
