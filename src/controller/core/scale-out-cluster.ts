// The ScaleOutCluster backend as the planner sees it: its ledger is status.tasks (tasks.ts), one
// record per request. Each plan it
//   - marks Running tasks past limits.taskTimeout TimedOut (Event TaskTimedOut) and remembers which of
//     their instances have been seen as Nodes;
//   - counts what is in flight (counting.ts) and which intents' outcomes are still unknown;
//   - holds new requests while ACK is busy with one of our own tasks: after a "cluster busy" refusal
//     while our task ran (or once that was learned: oneTaskAtATime), the cluster stays busy until that
//     task ends, so a request now would only be refused again;
//   - places the next request on a vSwitch (zones.ts), and records it as a Requesting intent, pruning
//     the history to MAX_TASK_HISTORY records (never one that still counts).
import type { SandboxCapacity, SandboxCapacityStatus, TaskRecord } from '../../api/sandbox-capacity.js';
import { findCondition } from './conditions.js';
import { inFlightOf, joinedInstanceIds, rememberJoined, joinDeadline } from './counting.js';
import { ConditionType, Reason } from './reasons.js';
import { wakeUpIntervalMs } from './schedule.js';
import type { Settings } from './settings.js';
import { isUnfinished, lastFailureMessage, makeIntentId, markTimedOut, newIntentRecord, pruneHistory, runningTaskLabels, taskLabel, toScaleOutRequest } from './tasks.js';
import type { Ledger, ObservedNode, Placement, Random, RequestShape } from './types.js';
import { chooseTarget, learnVSwitchZones, vswitchLoads } from './zones.js';

export interface ScaleOutClusterInput {
  capacity: SandboxCapacity;
  nodes: readonly ObservedNode[];
  settings: Settings;
  nowMs: number;
  /** ACK refused a request as busy while our own task ran, earlier in this process's life. */
  oneTaskAtATime: boolean;
}

export function scaleOutClusterLedger({ capacity, nodes, settings, nowMs, oneTaskAtATime }: ScaleOutClusterInput): Ledger {
  const previous = capacity.status ?? {};
  const timeouts = markTimedOut(previous.tasks ?? [], settings.taskTimeoutMs, nowMs);
  const joined = joinedInstanceIds(nodes);
  const tasks = timeouts.tasks.map((record) => rememberJoined(record, joined));
  const inFlightOfRecord = (record: TaskRecord): number => inFlightOf(record, joined, settings.joinGraceMs, nowMs);
  const configured = capacity.spec.scaleOut.vswitchIds;
  const zones = learnVSwitchZones(tasks, nodes, configured, previous.vswitchZones);
  const hold = busyWithOwnTask(previous, tasks, oneTaskAtATime);
  return {
    inFlight: tasks.reduce((sum, record) => sum + inFlightOfRecord(record), 0),
    inFlightLabels: tasks.filter((record) => inFlightOfRecord(record) > 0).map(taskLabel),
    unresolved: tasks.filter((record) => record.state === 'Requesting').map((record) => record.intentId),
    ...(hold === undefined ? {} : { hold }),
    events: timeouts.events,
    place(shortfall: number): Placement | undefined {
      if (configured.length <= 1) return configured[0] === undefined ? undefined : { targets: [configured[0]], allocation: shortfall };
      const target = chooseTarget(configured, vswitchLoads(configured, tasks, nodes, zones, inFlightOfRecord), shortfall);
      return target === undefined ? undefined : { targets: [target.vswitchId], allocation: target.allocation };
    },
    commit(status: SandboxCapacityStatus, request: RequestShape | undefined, random: Random) {
      const intent = request === undefined ? undefined : newIntentRecord(makeIntentId(nowMs, random), request.count, request.targets, nowMs);
      const withIntent = intent === undefined ? tasks : [intent, ...tasks];
      const kept = pruneHistory(withIntent, (record) => isUnfinished(record.state) || inFlightOfRecord(record) > 0);
      const committed: SandboxCapacityStatus = { ...status, tasks: kept };
      if (Object.keys(zones).length > 0) committed.vswitchZones = zones;
      else delete committed.vswitchZones;
      const wakeUps = kept.flatMap((record) => {
        const deadline = joinDeadline(record, settings.joinGraceMs);
        const interval = wakeUpIntervalMs(record.state);
        return [...(interval === undefined ? [] : [interval]), ...(deadline !== undefined && inFlightOfRecord(record) > 0 ? [deadline - nowMs] : [])];
      });
      return { status: committed, wakeUpsMs: wakeUps, ...(intent === undefined ? {} : { request: toScaleOutRequest(intent) }) };
    },
  };
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
