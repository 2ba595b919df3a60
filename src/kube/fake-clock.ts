// A manually advanced Clock for tests (of this module and of the controller): timers fire only
// when advance() moves time past them, in due-time order, so tests never sleep for real.
import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  id: number;
  dueAt: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private current: number;
  private nextId = 0;
  private readonly timers = new Map<number, PendingTimer>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, dueAt: this.current + Math.max(0, delayMs), fn });
    return { cancel: () => this.timers.delete(id) };
  }

  /** Number of timers not yet fired or cancelled. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by ms, firing every timer that falls due on the way (also timers that
   * callbacks schedule within the window), each with now() equal to its due time.
   */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let next = this.earliestDue(target); next; next = this.earliestDue(target)) {
      this.timers.delete(next.id);
      this.current = Math.max(this.current, next.dueAt);
      next.fn();
    }
    this.current = target;
  }

  /** Sets the time without firing timers (e.g. to simulate a process that was frozen). */
  set(ms: number): void {
    this.current = ms;
  }

  private earliestDue(limit: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.timers.values()) {
      if (timer.dueAt <= limit && (!best || timer.dueAt < best.dueAt)) best = timer;
    }
    return best;
  }
}
