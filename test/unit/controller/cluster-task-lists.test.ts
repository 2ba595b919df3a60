// The clusters' shared task lists: one read serves every caller that may use it (read after what it
// asks for), callers meanwhile share the read in flight, each client (credential) has its own, and a
// task's answer is kept only once it is final.
import { expect } from 'chai';
import type { AckApi, AckClusterTask, AckTaskInfo } from '../../../src/cloud/ack-api.js';
import type { CallBudget } from '../../../src/cloud/call-budget.js';
import { ClusterTaskLists } from '../../../src/controller/cluster-task-lists.js';

class CountingApi {
  lists = 0;
  infos = 0;
  state = 'running';
  release: (() => void) | undefined;
  hold = false;

  asApi(): AckApi {
    return {
      scaleOutCluster: () => Promise.reject(new Error('not here')),
      describeClusterNodes: () => Promise.reject(new Error('not here')),
      describeNodePool: () => Promise.reject(new Error('not here')),
      setNodePoolDesiredSize: () => Promise.reject(new Error('not here')),
      removeNodePoolNodes: () => Promise.reject(new Error('not here')),
      deleteClusterNodes: () => Promise.reject(new Error('not here')),
      describeClusterTasks: async (): Promise<AckClusterTask[]> => {
        this.lists++;
        if (this.hold) await new Promise<void>((resolve) => { this.release = resolve; });
        return [{ taskId: 'T-1', taskType: 'cluster_scaleout', state: this.state, created: '2026-12-01T00:00:00Z' }];
      },
      describeTaskInfo: (): Promise<AckTaskInfo> => {
        this.infos++;
        return Promise.resolve({ state: this.state, results: [] } as unknown as AckTaskInfo);
      },
    };
  }
}

const budget: CallBudget = { acquire: () => Promise.resolve() };

describe('ClusterTaskLists', () => {
  let now: number;
  let lists: ClusterTaskLists;
  let fake: CountingApi;
  let api: AckApi;

  beforeEach(() => {
    now = 1_000_000;
    lists = new ClusterTaskLists(() => now);
    fake = new CountingApi();
    api = fake.asApi();
  });

  it('reuses a list read after what the caller asks for, and reads again when it is older', async () => {
    const first = await lists.list(api, budget, 'c1', now);
    expect(first.readAtMs).to.equal(now);
    now += 5_000;
    expect(await lists.list(api, budget, 'c1', now - 6_000)).to.equal(first);
    expect(fake.lists).to.equal(1);
    const second = await lists.list(api, budget, 'c1', first.readAtMs + 1);
    expect(second.readAtMs).to.equal(now);
    expect(fake.lists).to.equal(2);
  });

  it('keeps one list per cluster and per client', async () => {
    await lists.list(api, budget, 'c1', now);
    await lists.list(api, budget, 'c2', now);
    await lists.list(new CountingApi().asApi(), budget, 'c1', now);
    await lists.list(api, budget, 'c1', now);
    expect(fake.lists).to.equal(2);
  });

  it('lets callers share the read in flight', async () => {
    fake.hold = true;
    const a = lists.list(api, budget, 'c1', now);
    const b = lists.list(api, budget, 'c1', now);
    await Promise.resolve();
    await Promise.resolve();
    fake.release?.();
    const [la, lb] = await Promise.all([a, b]);
    expect(la).to.equal(lb);
    expect(fake.lists).to.equal(1);
  });

  it('reuses an answer while the list shows the task running, and for good once it was final', async () => {
    await lists.taskInfo(api, budget, 'T-1', 'running');
    await lists.taskInfo(api, budget, 'T-1', 'running');
    expect(fake.infos).to.equal(1);
    fake.state = 'success';
    await lists.taskInfo(api, budget, 'T-1', 'success');
    expect(fake.infos).to.equal(2);
    await lists.taskInfo(api, budget, 'T-1', 'success');
    await lists.taskInfo(api, budget, 'T-1', 'running');
    expect(fake.infos).to.equal(2);
  });
});
