// Node-pool scenarios: the controller scenario (fixture.ts) whose simulated cluster has one eligible
// sandbox pool and one ACK's autoscaler owns, and what the tests look at — the pool as the simulator
// holds it and every ModifyClusterNodePool that reached it.
import type { AckSimulatorOptions } from '../../../src/simulator/index.js';
import { startScenario, type Scenario } from './fixture.js';

export const POOL = 'np-sandbox';
export const AUTOSCALED_POOL = 'np-autoscaled';

export async function startPoolScenario(simOptions: AckSimulatorOptions = {}): Promise<Scenario> {
  const s = await startScenario(simOptions);
  // The cluster id is random per scenario, so the pools are added once it exists.
  s.sim.control.addNodePool(s.clusterId, { nodepoolId: POOL, name: 'sandbox', vswitchIds: ['vsw-aaa', 'vsw-bbb'] });
  s.sim.control.addNodePool(s.clusterId, { nodepoolId: AUTOSCALED_POOL, name: 'autoscaled', autoScaling: true, minInstances: 0, maxInstances: 5 });
  return s;
}

export function poolSpec(clusterId: string, replicas: number, nodePool: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    clusterId,
    regionId: 'cn-hangzhou',
    replicas,
    nodeSelector: { matchLabels: { 'alibabacloud.com/container-runtime': 'Sandboxed-Container.runv', 'ack.aliyun.com': clusterId } },
    nodePool: { id: POOL, ...nodePool },
    credentials: { secretRef: { name: 'ack-credentials' } },
    backoff: { initial: '1s', max: '5s' },
  };
}

export interface PoolWrite {
  status: number;
  code?: string;
  body: unknown;
  desiredSize: number;
  faults: string[];
}

/** Every ModifyClusterNodePool that reached the simulator for this scenario's cluster, whatever its answer. */
export function poolWrites(s: Scenario, nodepoolId = POOL): PoolWrite[] {
  return s.sim.control.requests({ action: 'ModifyClusterNodePool' })
    .filter((r) => r.path.endsWith(`/${s.clusterId}/nodepools/${nodepoolId}`))
    .map((r) => ({
      status: r.status, body: r.body, faults: r.faults, ...(r.code === undefined ? {} : { code: r.code }),
      desiredSize: Number(((r.body as { scaling_group?: { desired_size?: unknown } } | undefined)?.scaling_group)?.desired_size ?? -1),
    }));
}

export function poolReads(s: Scenario): number {
  return s.sim.control.requests({ action: 'DescribeClusterNodePoolDetail' }).filter((r) => r.path.includes(`/${s.clusterId}/`)).length;
}

export function desiredSizeOf(s: Scenario, nodepoolId = POOL): number | undefined {
  return s.sim.control.getNodePool(s.clusterId, nodepoolId)?.desiredSize;
}
