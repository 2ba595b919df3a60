// The fault rule engine. Rules are checked in the order they were added; for each category
// (request, task, node) the first rule that matches the call's action and wins its draw applies.
// Draws come from a seeded PRNG so a run with the same seed and the same calls fails the same way.
import { categoryOf, defaultActionOf, FAULT_KINDS, type FaultDecision, type FaultRule, type FaultRuleInput } from './fault-types.js';
import { createPrng, type Prng } from './prng.js';

export class FaultRuleError extends Error {
  override readonly name = 'FaultRuleError';
}

function checkNumber(input: FaultRuleInput, field: keyof FaultRuleInput, min: number, max: number): void {
  const value = input[field];
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)) {
    throw new FaultRuleError(`fault ${field} must be a number between ${min} and ${max}`);
  }
}

function checkOptionalString(input: FaultRuleInput, field: 'action' | 'code' | 'message' | 'mode'): void {
  const value = input[field];
  if (value !== undefined && typeof value !== 'string') {
    throw new FaultRuleError(`fault ${field} must be a string`);
  }
}

/** Refuses malformed rules up front, so a typo in a test or a flag is an error, not a silent no-op. */
export function checkFaultRule(input: FaultRuleInput): void {
  if (!(FAULT_KINDS as readonly string[]).includes(input.kind)) {
    throw new FaultRuleError(`unknown fault kind "${input.kind}"; known: ${FAULT_KINDS.join(', ')}`);
  }
  checkNumber(input, 'probability', 0, 1);
  checkNumber(input, 'times', 1, Number.MAX_SAFE_INTEGER);
  checkNumber(input, 'delayMs', 0, 3_600_000);
  checkNumber(input, 'status', 100, 599);
  checkNumber(input, 'retryAfterMs', 0, 3_600_000);
  checkNumber(input, 'failFraction', 0, 1);
  checkNumber(input, 'fraction', 0, 1);
  checkNumber(input, 'afterMs', 0, 86_400_000);
  for (const field of ['action', 'code', 'message', 'mode'] as const) {
    checkOptionalString(input, field);
  }
  if (input.mode !== undefined && !['error', 'timeout', 'reset'].includes(input.mode)) {
    throw new FaultRuleError('fault mode must be error, timeout or reset');
  }
  if (input.times !== undefined && !Number.isInteger(input.times)) {
    throw new FaultRuleError('fault times must be a whole number');
  }
}

export class FaultEngine {
  private rules: FaultRule[] = [];
  private prng: Prng;
  private nextId = 1;

  constructor(private readonly seed: number) {
    this.prng = createPrng(seed);
  }

  add(input: FaultRuleInput): FaultRule {
    checkFaultRule(input);
    const action = input.action ?? defaultActionOf(input.kind);
    const rule: FaultRule = { ...input, ...(action === undefined ? {} : { action }), id: `f${this.nextId++}`, fired: 0 };
    this.rules.push(rule);
    return { ...rule };
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  /** Removes every rule and restarts the PRNG from the seed. */
  clear(): void {
    this.rules = [];
    this.prng = createPrng(this.seed);
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** Decides the faults of one call; rules that fire count it, and retire when `times` is used up. */
  /**
   * Picks at most one rule per category for a call. Request faults are used up at once; task and
   * node faults only by commit(), once the call really created a task, so a call refused by a
   * throttle or by validation does not waste a "fail the next task" rule.
   */
  decide(action: string): FaultDecision {
    const decision: FaultDecision = {};
    for (const rule of this.rules) {
      const category = categoryOf(rule.kind);
      if (decision[category] !== undefined || !this.matches(rule, action) || !this.draw(rule)) {
        continue;
      }
      if (category === 'request') rule.fired += 1;
      decision[category] = { ...rule };
    }
    this.dropExhausted();
    return decision;
  }

  /** Uses up the task and node faults of a decision whose call created a task. */
  commit(decision: FaultDecision): void {
    for (const chosen of [decision.task, decision.node]) {
      const rule = chosen && this.rules.find((r) => r.id === chosen.id);
      if (rule) rule.fired += 1;
    }
    this.dropExhausted();
  }

  private dropExhausted(): void {
    this.rules = this.rules.filter((rule) => rule.times === undefined || rule.fired < rule.times);
  }

  private matches(rule: FaultRule, action: string): boolean {
    return rule.action === undefined || rule.action === action;
  }

  private draw(rule: FaultRule): boolean {
    const probability = rule.probability ?? 1;
    // A certain rule consumes no draw, so adding one does not shift the sequence of the others.
    return probability >= 1 || this.prng.next() < probability;
  }
}
