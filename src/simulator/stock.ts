// ECS stock-outs, as the no-stock fault injects them. ScaleOutCluster refuses the whole call when a
// vSwitch that would receive a node is out of stock (ACK checks the request before it creates
// anything); a node pool skips out-of-stock vSwitches and, when none is left, creates instances that
// fail with the same code, as ESS does asynchronously.
import { AckError } from './errors.js';
import type { FaultRule } from './fault-types.js';
import { stockRuleCovers, type Placement } from './faults.js';
import type { TaskError } from './tasks.js';

export const NO_STOCK_CODE = 'OperationDenied.NoStock';

function placementText(placement: Placement): string {
  return `zone ${placement.zone}, vSwitch ${placement.vswitchId}`;
}

function stockMessage(rule: FaultRule, placement: Placement): string {
  return (
    rule.message ??
    `The requested resource is sold out in the specified zone (${placementText(placement)}); try other types of resources or other regions and zones.`
  );
}

/** The first fired rule that covers this placement, if it is out of stock. */
export function stockOutAt(rules: readonly FaultRule[], placement: Placement): FaultRule | undefined {
  return rules.find((rule) => stockRuleCovers(rule, placement));
}

/** ScaleOutCluster's refusal: 400 OperationDenied.NoStock (or the rule's status and code). */
export function noStockRefusal(rule: FaultRule, placement: Placement): AckError {
  return new AckError(rule.status ?? 400, rule.code ?? NO_STOCK_CODE, stockMessage(rule, placement));
}

/** The error a pool instance fails with, and its task reports. */
export function noStockFailure(rule: FaultRule, placement: Placement): TaskError {
  return { code: rule.code ?? NO_STOCK_CODE, message: stockMessage(rule, placement) };
}
