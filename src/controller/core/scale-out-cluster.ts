// The ScaleOutCluster backend as the planner sees it: its ledger is status.tasks (tasks.ts), one
// record per request. Each plan it
//   - marks Running tasks past limits.taskTimeout TimedOut (Event TaskTimedOut) and remembers which of
//     their instances have been seen as Nodes;
//   - counts what is in flight and which delivered instances are unjoined (counting.ts);
//   - knows what is unresolved: intents whose call's outcome is unknown, and — for a resource that has
//     never read ACK's task list (status.ledgerCheckedAt absent: new, or deleted and applied again) and
//     is short of nodes — the tasks an earlier incarnation may have left running;
//   - holds new requests while ACK is busy with one of our own tasks: after a "cluster busy" refusal
//     while our task ran (or once that was learned: oneTaskAtATime), the cluster stays busy until that
//     task ends, so a request now would only be refused again;
//   - places the next request on an in-stock vSwitch (zones.ts), and records it as a Requesting intent,
//     pruning the history to MAX_TASK_HISTORY records (never one that still counts).
import type { SandboxCapacity, SandboxCapacityStatus, TaskRecord } from '../../api/sandbox-capacity.js';
import { findCondition } from './conditions.js';
import { inFlightOf, joinDeadline, joinedInstanceIds, rememberJoined, unjoinedOf } from './counting.js';
import { ConditionType, Reason } from './reasons.js';
import { outcomeUnknownMessage } from './recovery.js';
import { UNJOINED_RECHECK_MS, needsFirstLook, wakeUpIntervalMs } from './schedule.js';
import type { Settings } from './settings.js';
import { isUnfinished, lastFailureMessage, makeIntentId, markTimedOut, newIntentRecord, pruneHistory, runningTaskLabels, taskLabel, toScaleOutRequest } from './tasks.js';
import { parseTimestamp } from './time.js';
import type { Ledger, LedgerCommit, ObservedNode, Placement, Random, RequestShape } from './types.js';
import { chooseTarget, currentStockOuts, describeStockOuts, inStock, learnVSwitchZones, vswitchLoads } from './zones.js';

export interface ScaleOutClusterInput {
  capacity: SandboxCapacity;
  nodes: readonly ObservedNode[];
  settings: Settings;
  nowMs: number;
  /** ACK refused a request as busy while our own task ran, earlier in this process's life. */
  oneTaskAtATime: boolean;
}

export const FIRST_LOOK_MESSAGE =
  'reading ACK\'s task list for requests this resource made before (it is new, or was deleted and applied again) before requesting anything';

export function scaleOutClusterLedger(input: ScaleOutClusterInput): Ledger {
  const { capacity, nodes, settings, nowMs } = input;
  const previous = capacity.status ?? {};
  const timeouts = markTimedOut(previous.tasks ?? [], settings.taskTimeoutMs, nowMs);
  const joined = joinedInstanceIds(nodes);
  const tasks = timeouts.tasks.map((record) => rememberJoined(record, joined));
  const inFlightOfRecord = (record: TaskRecord): number => inFlightOf(record, joined);
  const configured = capacity.spec.scaleOut?.vswitchIds ?? [];
  const zones = learnVSwitchZones(tasks, nodes, configured, previous.vswitchZones);
  const available = inStock(configured, previous.outOfStock, nowMs);
  const hold = busyWithOwnTask(previous, tasks, input.oneTaskAtATime);
  const unresolved = unresolvedOf(capacity, tasks, nodes);
  const outOfStock = configured.length > 0 && available.length === 0 ? allOutOfStock(previous, nowMs) : undefined;
  const unjoined = [...tasks].reverse().flatMap((record) => unjoinedOf(record, joined, settings.joinGraceMs, nowMs));
  return {
    inFlight: tasks.reduce((sum, record) => sum + inFlightOfRecord(record), 0),
    inFlightLabels: tasks.filter((record) => inFlightOfRecord(record) > 0).map(taskLabel),
    unjoined,
    ...(unresolved === undefined ? {} : { unresolved }),
    ...(hold === undefined ? {} : { hold }),
    ...(outOfStock === undefined ? {} : { outOfStock }),
    events: timeouts.events,
    place(shortfall: number): Placement | undefined {
      if (available.length <= 1) return available[0] === undefined ? undefined : { targets: [available[0]], allocation: shortfall };
      const loads = vswitchLoads(configured, tasks, nodes, zones, inFlightOfRecord);
      const target = chooseTarget(available, available.map((id) => loads[configured.indexOf(id)] ?? 0), shortfall);
      return target === undefined ? undefined : { targets: [target.vswitchId], allocation: target.allocation };
    },
    commit(status: SandboxCapacityStatus, request: RequestShape | undefined, random: Random): LedgerCommit {
      const intent = request === undefined ? undefined : newIntentRecord(uniqueIntentId(tasks, nowMs, random), request.count, request.targets, nowMs);
      const kept = pruneHistory(intent === undefined ? tasks : [intent, ...tasks], (record) => isUnfinished(record.state) || inFlightOfRecord(record) > 0);
      const rest = { ...status };
      delete rest.vswitchZones;
      delete rest.outOfStock;
      const marks = currentStockOuts(status.outOfStock, nowMs);
      const committed: SandboxCapacityStatus = {
        ...rest,
        tasks: kept,
        ...(Object.keys(zones).length > 0 ? { vswitchZones: zones } : {}),
        ...(marks.length > 0 ? { outOfStock: marks } : {}),
      };
      const wakeUpsMs = [...recordWakeUps(kept, { inFlightOfRecord, settings, nowMs }), ...marks.map((m) => (parseTimestamp(m.until) ?? nowMs) - nowMs)];
      if (unjoined.length > 0) wakeUpsMs.push(UNJOINED_RECHECK_MS);
      return { status: committed, wakeUpsMs, ...(intent === undefined ? {} : { request: toScaleOutRequest(intent, capacity) }) };
    },
  };
}

function recordWakeUps(tasks: readonly TaskRecord[], { inFlightOfRecord, settings, nowMs }: { inFlightOfRecord: (r: TaskRecord) => number; settings: Settings; nowMs: number }): number[] {
  return tasks.flatMap((record) => {
    const interval = wakeUpIntervalMs(record.state);
    const deadline = joinDeadline(record, settings.joinGraceMs);
    const awaitingJoin = deadline !== undefined && deadline > nowMs && inFlightOfRecord(record) > 0;
    return [...(interval === undefined ? [] : [interval]), ...(awaitingJoin ? [deadline - nowMs] : [])];
  });
}

/** An intent id no record carries yet (two plans in the same millisecond must not share one). */
function uniqueIntentId(tasks: readonly TaskRecord[], nowMs: number, random: Random): string {
  const taken = new Set(tasks.map((record) => record.intentId));
  let id = makeIntentId(nowMs, random);
  for (let n = 1; taken.has(id); n += 1) id = `${makeIntentId(nowMs, random)}-${n}`;
  return id;
}

/** Intents still Requesting; else, for a resource short of nodes that never read ACK's task list, that first look. */
function unresolvedOf(capacity: SandboxCapacity, tasks: readonly TaskRecord[], nodes: readonly ObservedNode[]): Ledger['unresolved'] {
  const requesting = tasks.filter((record) => record.state === 'Requesting').map((record) => record.intentId);
  if (requesting.length > 0) return { ids: requesting, message: outcomeUnknownMessage(requesting) };
  if (needsFirstLook(capacity, nodes)) return { ids: [], message: FIRST_LOOK_MESSAGE };
  return undefined;
}

function allOutOfStock(previous: SandboxCapacityStatus, nowMs: number): Ledger['outOfStock'] {
  const marks = currentStockOuts(previous.outOfStock, nowMs);
  const untilMs = Math.min(...marks.map((m) => parseTimestamp(m.until) ?? nowMs));
  return { message: `every listed vSwitch is out of stock: ${describeStockOuts(marks)}; next request after ${new Date(untilMs).toISOString().replace('.000Z', 'Z')}`, untilMs };
}

/** The status says ACK refused a request as "cluster busy" while one of our own tasks was running. */
export function refusedWhileOwnTaskRuns(status: SandboxCapacityStatus | undefined): boolean {
  if (findCondition(status?.conditions, ConditionType.Reconciling)?.reason !== Reason.ClusterBusy) return false;
  return runningTaskLabels(status?.tasks ?? []).length > 0;
}

export function busyWithOwnTaskMessage(running: readonly string[], lastFailure: string | undefined): string {
  return `cluster busy with our scale-out ${running.join(', ')}: next request when it ends${lastFailure === undefined ? '' : `; ACK said: ${lastFailure}`}`;
}

function busyWithOwnTask(previous: SandboxCapacityStatus, tasks: readonly TaskRecord[], oneTaskAtATime: boolean): Ledger['hold'] {
  if (!oneTaskAtATime && !refusedWhileOwnTaskRuns(previous)) return undefined;
  const running = runningTaskLabels(tasks);
  if (running.length === 0) return undefined;
  return { reason: Reason.ClusterBusy, message: busyWithOwnTaskMessage(running, lastFailureMessage(tasks)) };
}
