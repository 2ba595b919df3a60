// The fault rule engine. Rules are checked in the order they were added; for each category
// (request, task, node) the first rule that matches the call's action and wins its draw applies.
// Draws come from a seeded PRNG so a run with the same seed and the same calls fails the same way.
// Stock faults are not decided per call: they are asked about where instances are placed (a
// ScaleOutCluster call after its validation, or one node pool launch), see stockOuts().
import {
  categoryOf,
  defaultActionOf,
  FAULT_KINDS,
  SCALE_OUT_ACTION,
  type FaultDecision,
  type FaultRule,
  type FaultRuleInput,
} from './fault-types.js';
import { createPrng, type Prng } from './prng.js';

/** Where an instance would be created. */
export interface Placement {
  vswitchId: string;
  zone: string;
}

/** A placement question: for ScaleOutCluster (no nodepoolId) or for one node pool's launch. */
export interface StockQuestion {
  nodepoolId?: string;
  placements: readonly Placement[];
}

/** Whether a no-stock rule's zone / vSwitch scope covers a placement. */
export function stockRuleCovers(rule: FaultRuleInput, placement: Placement): boolean {
  return (rule.zone === undefined || rule.zone === placement.zone) && (rule.vswitchId === undefined || rule.vswitchId === placement.vswitchId);
}

export class FaultRuleError extends Error {
  override readonly name = 'FaultRuleError';
}

function checkNumber(input: FaultRuleInput, field: keyof FaultRuleInput, min: number, max: number): void {
  const value = input[field];
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)) {
    throw new FaultRuleError(`fault ${field} must be a number between ${min} and ${max}`);
  }
}

type TextField = 'action' | 'code' | 'message' | 'mode' | 'zone' | 'vswitchId' | 'nodepoolId';
const TEXT_FIELDS: readonly TextField[] = ['action', 'code', 'message', 'mode', 'zone', 'vswitchId', 'nodepoolId'];

function checkOptionalString(input: FaultRuleInput, field: TextField): void {
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
  checkLabels(input.labels);
  for (const field of TEXT_FIELDS) {
    checkOptionalString(input, field);
  }
  checkScopes(input);
  if (input.mode !== undefined && !['error', 'timeout', 'reset'].includes(input.mode)) {
    throw new FaultRuleError('fault mode must be error, timeout or reset');
  }
  if (input.times !== undefined && !Number.isInteger(input.times)) {
    throw new FaultRuleError('fault times must be a whole number');
  }
}

// Task, node and stock faults act on instances, which only ScaleOutCluster and node pools create:
// an action scope other than ScaleOutCluster would never fire, so it is refused.
function checkScopes(input: FaultRuleInput): void {
  const category = categoryOf(input.kind);
  if (category !== 'request' && input.action !== undefined && input.action !== SCALE_OUT_ACTION) {
    throw new FaultRuleError(
      `fault ${input.kind} acts on created instances: action may only be ${SCALE_OUT_ACTION} (or absent for ScaleOutCluster and node pools); scope node pools with nodepoolId`,
    );
  }
  if ((input.zone !== undefined || input.vswitchId !== undefined) && category !== 'stock') {
    throw new FaultRuleError('fault zone and vswitchId only apply to no-stock');
  }
  if (input.nodepoolId !== undefined && category !== 'stock' && category !== 'node') {
    throw new FaultRuleError('fault nodepoolId only applies to no-stock and node faults');
  }
  if (input.nodepoolId !== undefined && input.action !== undefined) {
    throw new FaultRuleError('fault nodepoolId and action exclude each other: node pools are not ScaleOutCluster');
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

  /**
   * Picks at most one rule per category for a call. Request faults are used up at once; task and
   * node faults only by commit(), once the call really created a task, so a call refused by a
   * throttle or by validation does not waste a "fail the next task" rule.
   */
  decide(action: string): FaultDecision {
    const decision: FaultDecision = {};
    for (const rule of this.rules) {
      const category = categoryOf(rule.kind);
      if (category === 'stock' || decision[category] !== undefined || !this.matches(rule, action) || !this.draw(rule)) {
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

  /**
   * The no-stock rules that refuse some of these placements, each drawn once and counted once per
   * question (one ScaleOutCluster call, or one node pool launch), however many placements it covers.
   */
  stockOuts(question: StockQuestion): FaultRule[] {
    const fired: FaultRule[] = [];
    for (const rule of this.rules) {
      if (rule.kind !== 'no-stock' || !this.stockApplies(rule, question) || !this.draw(rule)) continue;
      rule.fired += 1;
      fired.push({ ...rule });
    }
    this.dropExhausted();
    return fired;
  }

  /** The node fault for one node pool launch, used up at once (a launch always creates instances). */
  launchNodeFault(nodepoolId: string): FaultRule | undefined {
    const rule = this.rules.find(
      (candidate) =>
        categoryOf(candidate.kind) === 'node' &&
        candidate.action === undefined &&
        (candidate.nodepoolId === undefined || candidate.nodepoolId === nodepoolId) &&
        this.draw(candidate),
    );
    if (rule === undefined) return undefined;
    rule.fired += 1;
    this.dropExhausted();
    return { ...rule };
  }

  private stockApplies(rule: FaultRule, question: StockQuestion): boolean {
    const forPool = question.nodepoolId !== undefined;
    const scopeFits = forPool
      ? rule.action === undefined && (rule.nodepoolId === undefined || rule.nodepoolId === question.nodepoolId)
      : rule.nodepoolId === undefined;
    return scopeFits && question.placements.some((placement) => stockRuleCovers(rule, placement));
  }

  private dropExhausted(): void {
    this.rules = this.rules.filter((rule) => rule.times === undefined || rule.fired < rule.times);
  }

  private matches(rule: FaultRule, action: string): boolean {
    if (categoryOf(rule.kind) === 'node') {
      // Node faults without an action also serve node pools (launchNodeFault); per call, only
      // ScaleOutCluster creates instances, and a pool-scoped rule never applies to it.
      return rule.nodepoolId === undefined && action === SCALE_OUT_ACTION && (rule.action ?? action) === action;
    }
    return rule.action === undefined || rule.action === action;
  }

  private draw(rule: FaultRule): boolean {
    const probability = rule.probability ?? 1;
    // A certain rule consumes no draw, so adding one does not shift the sequence of the others.
    return probability >= 1 || this.prng.next() < probability;
  }
}

function checkLabels(labels: unknown): void {
  if (labels === undefined) return;
  const values = typeof labels === 'object' && labels !== null && !Array.isArray(labels) ? Object.values(labels) : undefined;
  if (values === undefined || values.some((v) => typeof v !== 'string')) throw new FaultRuleError('fault labels must map label keys to string values');
}
