// Loads a fleet fast: N SandboxCapacities, each with its own simulated ACK cluster and M matching
// kubelet-like Nodes, created with bounded parallelism so 5,000 Nodes take seconds, not hours.
import { API_VERSION, GROUP, PLURAL, VERSION, type SandboxCapacity } from '../../src/api/sandbox-capacity.js';
import { nowMs } from './clock.js';
import { SECRET_NAME, newClusterId, type BenchEnvironment } from './environment.js';
import type { KubeHttp } from './kube-http.js';
import { CLUSTER_LABEL, SANDBOX_RUNTIME, SANDBOX_RUNTIME_LABEL, kubeletNode, nodeIdentity } from './node-factory.js';

export interface FleetResource {
  name: string;
  clusterId: string;
  replicas: number;
  /** Names of the Nodes the bench created for it (joined ones are not listed). */
  nodes: string[];
}

export interface Fleet {
  resources: FleetResource[];
  nodeCount: number;
  loadSeconds: { nodes: number; resources: number };
}

export interface CapacityOptions {
  replicas: number;
  limits?: Record<string, unknown>;
}

export function capacityPath(namespace: string, name?: string): string {
  return `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}${name === undefined ? '' : `/${name}`}`;
}

export function capacityBody(name: string, clusterId: string, options: CapacityOptions): Record<string, unknown> {
  return {
    apiVersion: API_VERSION,
    kind: 'SandboxCapacity',
    metadata: { name },
    spec: {
      clusterId,
      regionId: 'cn-hangzhou',
      replicas: options.replicas,
      nodeSelector: { matchLabels: { [SANDBOX_RUNTIME_LABEL]: SANDBOX_RUNTIME, [CLUSTER_LABEL]: clusterId } },
      scaleOut: { vswitchIds: ['vsw-aaa'], instanceTypes: ['ecs.ebmg5s.24xlarge'], keyPair: 'ops-key' },
      credentials: { secretRef: { name: SECRET_NAME } },
      ...(options.limits ? { limits: options.limits } : {}),
    },
  };
}

/** Runs `work` over the items with at most `concurrency` in flight. */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export function createNode(kube: KubeHttp, body: Record<string, unknown>): Promise<unknown> {
  return kube.request('POST', '/api/v1/nodes', body);
}

export function nodeFor(env: BenchEnvironment, clusterId: string, index: number): { name: string; body: Record<string, unknown> } {
  const id = nodeIdentity(env.runId, index);
  return { name: id.name, body: kubeletNode({ ...id, clusterId, runId: env.runId, zone: 'cn-hangzhou-h' }) };
}

export interface FleetOptions {
  resources: number;
  nodesPerResource: number;
  concurrency?: number;
  limits?: Record<string, unknown>;
  namePrefix?: string;
}

/** Creates the Nodes first, then the SandboxCapacities (each satisfied: replicas = its Nodes). */
export async function loadFleet(env: BenchEnvironment, options: FleetOptions): Promise<Fleet> {
  const concurrency = options.concurrency ?? 24;
  const prefix = options.namePrefix ?? 'pool';
  const resources: FleetResource[] = Array.from({ length: options.resources }, (_, i) => ({
    name: `${prefix}-${String(i).padStart(4, '0')}`, clusterId: newClusterId(), replicas: options.nodesPerResource, nodes: [],
  }));
  for (const r of resources) env.addCluster(r.clusterId);
  const nodeJobs = resources.flatMap((r, ri) => Array.from({ length: options.nodesPerResource }, (_, k) => ({ r, index: ri * options.nodesPerResource + k })));
  const nodesStarted = nowMs();
  await inParallel(nodeJobs, concurrency, async ({ r, index }) => {
    const node = nodeFor(env, r.clusterId, index);
    await createNode(env.kube, node.body);
    r.nodes.push(node.name);
  });
  const resourcesStarted = nowMs();
  await inParallel(resources, concurrency, async (r) => {
    await env.kube.request('POST', capacityPath(env.namespace), capacityBody(r.name, r.clusterId, { replicas: r.replicas, ...(options.limits ? { limits: options.limits } : {}) }));
  });
  const done = nowMs();
  return {
    resources, nodeCount: nodeJobs.length,
    loadSeconds: { nodes: (resourcesStarted - nodesStarted) / 1000, resources: (done - resourcesStarted) / 1000 },
  };
}

export async function listCapacities(env: BenchEnvironment): Promise<SandboxCapacity[]> {
  return (await env.kube.get<{ items: SandboxCapacity[] }>(capacityPath(env.namespace))).items;
}

/** Converged: status observed the current generation, counts match spec, every Node Ready, nothing requested or running. */
export function isSettled(sc: SandboxCapacity): boolean {
  const status = sc.status;
  if (status === undefined || status.observedGeneration !== sc.metadata.generation) return false;
  if (status.replicas !== sc.spec.replicas || (status.inFlightReplicas ?? 0) !== 0) return false;
  // Every Node Ready: a joining Node is counted as soon as it exists, before the simulator's kubelet
  // wrote its status; deleting it then would make the simulator register it again (as a kubelet would).
  if (status.readyReplicas !== status.replicas) return false;
  return !(status.tasks ?? []).some((t) => t.state === 'Requesting' || t.state === 'Running' || t.state === 'TimedOut');
}
