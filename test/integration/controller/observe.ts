// What the controller tests look at: Events, Nodes, the simulator's view of requested and created
// nodes, and the complete sequence of statuses the controller wrote (through a watch, so no write is
// missed between two polls).
import { Watch, type V1Node } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type SandboxCapacity, type SandboxCapacityStatus } from '../../../src/api/sandbox-capacity.js';
import { condition, eventually, type Scenario } from './fixture.js';

export interface SeenEvent {
  reason: string;
  type: string;
  message: string;
  count: number;
  object: string;
}

/** core/v1 Events in the scenario's namespace. */
export async function listEvents(s: Scenario): Promise<SeenEvent[]> {
  const list = await s.core.listNamespacedEvent({ namespace: s.ns });
  return list.items.map((e) => ({
    reason: e.reason ?? '', type: e.type ?? '', message: e.message ?? '', count: e.count ?? 1, object: e.involvedObject.name ?? '',
  }));
}

export async function eventsWithReason(s: Scenario, reason: string, object = 'workers'): Promise<SeenEvent[]> {
  return (await listEvents(s)).filter((e) => e.reason === reason && e.object === object);
}

/** Kubernetes Nodes of the scenario's ACK cluster (the simulator labels them with the cluster id). */
export async function clusterNodes(s: Scenario, clusterId = s.clusterId): Promise<V1Node[]> {
  return (await s.core.listNode({ labelSelector: `ack.aliyun.com=${clusterId}` })).items;
}

/** Instances the simulator actually created (any state): what a real account would pay for. */
export function instancesCreated(s: Scenario, clusterId = s.clusterId): number {
  return s.sim.control.listNodes(clusterId)?.length ?? 0;
}

/** Instances whose task failed: created nowhere. */
export function instancesFailed(s: Scenario, clusterId = s.clusterId): number {
  return (s.sim.control.listNodes(clusterId) ?? []).filter((n) => n.state === 'failed').length;
}

/** Every ScaleOutCluster call that reached the simulator, whatever its answer. */
export function scaleOutAttempts(s: Scenario, clusterId = s.clusterId): { status: number; code?: string; count: number; taskId?: string; faults: string[] }[] {
  return s.sim.control.requests({ action: 'ScaleOutCluster' })
    .filter((r) => r.path.endsWith(`/${clusterId}`))
    .map((r) => ({
      status: r.status, count: Number((r.body as Record<string, unknown> | undefined)?.count ?? 0), faults: r.faults,
      ...(r.code === undefined ? {} : { code: r.code }), ...(r.taskId === undefined ? {} : { taskId: r.taskId }),
    }));
}

/** Nodes in the simulator's scale-out tasks (accepted calls): the nodes ACK was asked for. */
export function nodesInTasks(s: Scenario, clusterId = s.clusterId): number {
  return s.sim.control.listTasks(clusterId).reduce((sum, t) => sum + t.count, 0);
}

export async function patchSpec(s: Scenario, changes: Record<string, unknown>, name = 'workers'): Promise<SandboxCapacity> {
  return (await s.objects.patchNamespacedCustomObject({
    group: GROUP, version: VERSION, namespace: s.ns, plural: PLURAL, name,
    body: Object.entries(changes).map(([path, value]) => ({ op: 'replace', path: `/spec/${path}`, value })),
  })) as SandboxCapacity;
}

export interface StatusHistory {
  /** Every status of the resource seen on the watch, oldest first. */
  readonly statuses: SandboxCapacityStatus[];
  stop(): void;
}

/** Watches the resource and keeps every status version (the watch delivers each write in order). */
export async function recordStatuses(s: Scenario, name = 'workers'): Promise<StatusHistory> {
  const statuses: SandboxCapacityStatus[] = [];
  const path = `/apis/${GROUP}/${VERSION}/namespaces/${s.ns}/${PLURAL}`;
  const abort = await new Watch(s.kc).watch(path, { fieldSelector: `metadata.name=${name}` }, (_phase, obj: SandboxCapacity) => {
    if (obj.status) statuses.push(obj.status);
  }, () => undefined);
  return { statuses, stop: () => { abort.abort(); } };
}

/** Waits until exactly `replicas` nodes are Ready, nothing is in flight and Ready=True. */
export async function readyWith(s: Scenario, replicas: number, name = 'workers'): Promise<SandboxCapacity> {
  const settled = (sc: SandboxCapacity): boolean => sc.status?.readyReplicas === replicas && sc.status.inFlightReplicas === 0;
  return eventually(`${name}: ${replicas} ready, nothing in flight`, async () => {
    const sc = await s.get(name);
    return settled(sc) && condition(sc, 'Ready')?.status === 'True' ? sc : undefined;
  }, 90_000);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
