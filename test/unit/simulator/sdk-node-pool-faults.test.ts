import { expect } from 'chai';
import { CLUSTER_ID, startHarness, type Harness } from './support/harness.js';
import { detail, POOL, POOL_CLUSTER, poolNodes, setDesired, settle, taskInfo } from './support/node-pools.js';
import { Core, CsModels, csClient, rejectionOf, scaleOutRaw, seedSandboxBody } from './support/sdk.js';

const TASK_MS = 2000;
const JOIN_MS = 1000;

describe('simulator through the real SDK: node pool faults', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ taskDurationMs: TASK_MS, joinDelayMs: JOIN_MS, clusters: [{ ...POOL_CLUSTER, maxConcurrentScaleOuts: 10 }] });
  });

  afterEach(async () => {
    await h.sim.close();
  });

  describe('stock-outs in ScaleOutCluster mode', () => {
    const scaleOut = (vswitchIds: string[], count = 1) => scaleOutRaw(h.client, CLUSTER_ID, seedSandboxBody({ count, vswitch_ids: vswitchIds }));

    it('a zone out of stock refuses a request for a vSwitch in it with OperationDenied.NoStock, and only that', async () => {
      h.sim.control.addFault({ kind: 'no-stock', zone: 'cn-hangzhou-h' });
      const refused = await rejectionOf(() => scaleOut(['vsw-h']));
      expect(refused).to.be.instanceOf(Core.ClientError);
      expect(refused).to.include({ code: 'OperationDenied.NoStock', statusCode: 400 });
      expect(refused.message).to.include('zone cn-hangzhou-h, vSwitch vsw-h');
      expect((await scaleOut(['vsw-i'])).statusCode).to.equal(202);
      const records = h.sim.control.requests({ action: 'ScaleOutCluster' });
      expect(records.map((record) => [record.status, record.faults])).to.deep.equal([
        [400, ['no-stock']],
        [202, []],
      ]);
      expect(h.sim.control.listTasks(CLUSTER_ID)).to.have.length(1);
    });

    it('a vSwitch out of stock refuses only requests that would put a node in it', async () => {
      h.sim.control.addFault({ kind: 'no-stock', vswitchId: 'vsw-i' });
      expect((await scaleOut(['vsw-h', 'vsw-i'], 1)).statusCode, 'one node lands in vsw-h only').to.equal(202);
      expect((await rejectionOf(() => scaleOut(['vsw-h', 'vsw-i'], 2))).code).to.equal('OperationDenied.NoStock');
    });

    it('times counts refused calls; a pool-scoped stock-out leaves ScaleOutCluster alone', async () => {
      h.sim.control.addFault({ kind: 'no-stock', nodepoolId: POOL });
      h.sim.control.addFault({ kind: 'no-stock', times: 1 });
      expect((await rejectionOf(() => scaleOut(['vsw-h']))).code).to.equal('OperationDenied.NoStock');
      expect((await scaleOut(['vsw-h'])).statusCode).to.equal(202);
      expect(h.sim.control.listFaults().map((rule) => rule.nodepoolId)).to.deep.equal([POOL]);
    });

    it('validation comes before the stock check', async () => {
      h.sim.control.addFault({ kind: 'no-stock' });
      expect((await rejectionOf(() => scaleOutRaw(h.client, CLUSTER_ID, seedSandboxBody({ count: 0 })))).code).to.equal('InvalidParameter');
      expect(h.sim.control.listFaults()[0]?.fired).to.equal(0);
    });
  });

  describe('stock-outs in node pool mode', () => {
    it('with no stock anywhere the write is accepted, the task ends fail with NoStock and failed_nodes holds while ESS retries', async () => {
      const rule = h.sim.control.addFault({ kind: 'no-stock' });
      const taskId = await setDesired(h, 2);
      expect((await detail(h)).status).to.deep.include({ state: 'scaling', initialNodes: 2 });
      h.clock.advance(TASK_MS);
      const info = await taskInfo(h, taskId);
      expect(info.state).to.equal('fail');
      expect(info.error?.code).to.equal('OperationDenied.NoStock');
      expect(info.error?.message).to.include('2 of 2 nodes failed');
      expect(info.taskResult?.map((entry) => entry.status)).to.deep.equal(['failed', 'failed']);
      const failed = await detail(h);
      expect(failed.status).to.deep.include({ state: 'active', failedNodes: 2, servingNodes: 0 });
      const nodes = await poolNodes(h);
      expect(nodes.map((node) => node.state)).to.deep.equal(['failed', 'failed']);
      expect(nodes[0]?.errorMessage).to.include('OperationDenied.NoStock');

      // ESS retries a task duration later; the retry fails too and failed_nodes stays at the shortfall.
      h.clock.advance(TASK_MS);
      await h.sim.tick();
      expect((await detail(h)).status).to.deep.include({ failedNodes: 2, initialNodes: 2 });
      h.clock.advance(TASK_MS);
      await h.sim.tick();
      expect((await detail(h)).status).to.deep.include({ failedNodes: 2, initialNodes: 0 });
      expect(h.sim.control.getNodePool(CLUSTER_ID, POOL)?.failedCreations).to.equal(4);

      // Stock is back: the next retry succeeds, the failed instances are released.
      h.sim.control.removeFault(rule.id);
      for (let step = 0; step < 3; step += 1) {
        h.clock.advance(TASK_MS);
        await h.sim.tick();
      }
      expect((await detail(h)).status).to.deep.include({ state: 'active', failedNodes: 0, servingNodes: 2, totalNodes: 2 });
      expect(h.sim.control.getNodePool(CLUSTER_ID, POOL), 'every launch counted: 4 that failed, 2 that stayed').to.deep.include({ failedCreations: 4, createdInstances: 6 });
    });

    it('a zone out of stock sends the pool to its other vSwitches', async () => {
      h.sim.control.addFault({ kind: 'no-stock', zone: 'cn-hangzhou-h' });
      const taskId = await setDesired(h, 3);
      h.clock.advance(TASK_MS);
      expect((await taskInfo(h, taskId)).state).to.equal('success');
      expect((h.sim.control.listNodes(CLUSTER_ID) ?? []).map((node) => node.zone)).to.deep.equal(Array(3).fill('cn-hangzhou-i'));
    });

    it('a pool-scoped stock-out fails that pool only; times counts launch attempts', async () => {
      h.sim.control.addFault({ kind: 'no-stock', nodepoolId: POOL, times: 1 });
      const failing = await setDesired(h, 1);
      const other = await setDesired(h, 1, 'np-runc');
      h.clock.advance(TASK_MS);
      expect((await taskInfo(h, failing)).state).to.equal('fail');
      expect((await taskInfo(h, other)).state).to.equal('success');
      h.clock.advance(TASK_MS);
      await h.sim.tick();
      h.clock.advance(TASK_MS);
      await h.sim.tick();
      expect((await detail(h)).status, 'the retry found stock').to.deep.include({ servingNodes: 1, failedNodes: 0 });
    });

    it('a ScaleOutCluster-scoped stock-out leaves pools alone', async () => {
      h.sim.control.addFault({ kind: 'no-stock', action: 'ScaleOutCluster' });
      const taskId = await setDesired(h, 1);
      h.clock.advance(TASK_MS);
      expect((await taskInfo(h, taskId)).state).to.equal('success');
    });
  });

  describe('busy pools, lost answers, other writers', () => {
    it('a pool held in a busy state refuses writes with InvalidStatus.NodePool until released', async () => {
      h.sim.control.holdNodePool(CLUSTER_ID, POOL, 'updating');
      expect((await detail(h)).status?.state).to.equal('updating');
      const error = await rejectionOf(() => setDesired(h, 1));
      expect(error).to.include({ code: 'InvalidStatus.NodePool', statusCode: 400 });
      expect(error.message).to.include('where state is updating');
      const remove = await rejectionOf(() => h.client.removeNodePoolNodes(CLUSTER_ID, POOL, new CsModels.RemoveNodePoolNodesRequest({ instanceIds: ['i-x'] })));
      expect(remove.code).to.equal('InvalidStatus.NodePool');
      h.sim.control.holdNodePool(CLUSTER_ID, POOL, 'active');
      await setDesired(h, 1);
      expect((await detail(h)).scalingGroup?.desiredSize).to.equal(1);
    });

    it('a Modify whose answer is lost took effect: re-reading the pool shows the size, re-sending it adds nothing', async () => {
      h.sim.control.addFault({ kind: 'lost-response', action: 'ModifyClusterNodePool', times: 1 });
      const lost = await rejectionOf(() => setDesired(h, 3));
      expect(lost).to.be.instanceOf(Core.ServerError);
      const [record] = h.sim.control.requests({ action: 'ModifyClusterNodePool' });
      expect(record).to.include({ status: 503, code: 'ServiceUnavailable' });
      expect(record?.taskId).to.be.a('string');
      expect(record?.faults).to.deep.equal(['lost-response']);
      expect((await detail(h)).scalingGroup?.desiredSize).to.equal(3);
      expect((await rejectionOf(() => setDesired(h, 3))).code, 'a retry at once meets the scaling pool').to.equal('InvalidStatus.NodePool');
      await settle(h, TASK_MS, JOIN_MS);
      await setDesired(h, 3);
      await settle(h, TASK_MS, JOIN_MS);
      expect(await poolNodes(h)).to.have.length(3);
    });

    it('a Modify that times out on the client still took effect', async () => {
      h.sim.control.addFault({ kind: 'lost-response', mode: 'timeout', delayMs: 1500, action: 'ModifyClusterNodePool', times: 1 });
      const slow = { ...h, client: csClient(h.sim, { timeoutMs: 300 }) };
      const error = await rejectionOf(() => setDesired(slow, 2));
      expect(error.name).to.equal('RequestTimeoutError');
      expect((await detail(h)).scalingGroup?.desiredSize).to.equal(2);
    });

    it('a desired size changed out of band makes a nodepool_update task no request asked for, and the pool follows it', async () => {
      const task = h.sim.control.resizeNodePool(CLUSTER_ID, POOL, 2);
      expect(task).to.include({ taskType: 'nodepool_update', state: 'running' });
      expect(h.sim.control.requests()).to.deep.equal([]);
      const pool = await detail(h);
      expect(pool.scalingGroup?.desiredSize).to.equal(2);
      expect(pool.status?.state).to.equal('scaling');
      const tasks = (await h.client.describeClusterTasks(CLUSTER_ID, new CsModels.DescribeClusterTasksRequest({}))).body!.tasks!;
      expect(tasks.map((entry) => entry.taskId)).to.deep.equal([task.taskId]);
      h.clock.advance(TASK_MS);
      expect((await poolNodes(h)).map((node) => node.state)).to.deep.equal(['running', 'running']);
    });

    it('throttling and 5xx apply to the node pool actions, and change nothing', async () => {
      h.sim.control.addFault({ kind: 'throttle', action: 'ModifyClusterNodePool', retryAfterMs: 800, times: 1 });
      const throttled = await rejectionOf(() => setDesired(h, 2));
      expect(throttled).to.be.instanceOf(Core.ThrottlingError);
      expect(throttled).to.include({ code: 'Throttling.User', retryAfter: 800 });
      expect((await detail(h)).scalingGroup?.desiredSize).to.equal(0);
      expect(h.sim.control.listTasks(CLUSTER_ID)).to.deep.equal([]);
      for (const action of ['DescribeClusterNodePools', 'DescribeClusterNodePoolDetail', 'ScaleClusterNodePool', 'RemoveNodePoolNodes', 'DeleteClusterNodes']) {
        h.sim.control.addFault({ kind: 'unavailable', action, times: 1 });
      }
      const calls: [string, () => Promise<unknown>][] = [
        ['pools', () => h.client.describeClusterNodePools(CLUSTER_ID, new CsModels.DescribeClusterNodePoolsRequest({}))],
        ['detail', () => h.client.describeClusterNodePoolDetail(CLUSTER_ID, POOL)],
        ['scale', () => h.client.scaleClusterNodePool(CLUSTER_ID, POOL, new CsModels.ScaleClusterNodePoolRequest({ count: 1 }))],
        ['remove', () => h.client.removeNodePoolNodes(CLUSTER_ID, POOL, new CsModels.RemoveNodePoolNodesRequest({ instanceIds: ['i-x'] }))],
        ['delete', () => h.client.deleteClusterNodes(CLUSTER_ID, new CsModels.DeleteClusterNodesRequest({ nodes: ['n'] }))],
      ];
      for (const [name, call] of calls) {
        const error = await rejectionOf(call);
        expect(error, name).to.be.instanceOf(Core.ServerError);
        expect(error, name).to.include({ code: 'ServiceUnavailable', statusCode: 503 });
      }
      expect((await detail(h)).scalingGroup?.desiredSize).to.equal(0);
    });
  });

  describe('nodes of a pool that never join', () => {
    it('node-never-joins keeps a pool node Unknown: serving but offline, never healthy', async () => {
      h.sim.control.addFault({ kind: 'node-never-joins', fraction: 0.5, times: 1 });
      await setDesired(h, 2);
      await settle(h, TASK_MS, JOIN_MS);
      expect((await poolNodes(h)).map((node) => node.nodeStatus).sort()).to.deep.equal(['Ready', 'Unknown']);
      expect((await detail(h)).status).to.deep.include({ servingNodes: 2, healthyNodes: 1, offlineNodes: 1 });
      expect(h.sim.control.listFaults(), 'the launch used the rule up').to.deep.equal([]);
    });

    it('a node fault scoped to another pool or to ScaleOutCluster leaves this pool alone', async () => {
      h.sim.control.addFault({ kind: 'node-never-joins', nodepoolId: 'np-runc' });
      h.sim.control.addFault({ kind: 'node-never-joins', action: 'ScaleOutCluster' });
      await setDesired(h, 1);
      await settle(h, TASK_MS, JOIN_MS);
      expect((await poolNodes(h)).map((node) => node.nodeStatus)).to.deep.equal(['Ready']);
      await setDesired(h, 1, 'np-runc');
      await settle(h, TASK_MS, JOIN_MS);
      expect((await poolNodes(h, 'np-runc')).map((node) => node.nodeStatus)).to.deep.equal(['Unknown']);
    });

    it('an unjoined instance released in ACK disappears and is replaced; its creation task fails', async () => {
      h.sim.control.addFault({ kind: 'node-never-joins', times: 1 });
      const taskId = await setDesired(h, 1);
      const [joining] = await poolNodes(h);
      await h.sim.control.releaseInstance(CLUSTER_ID, joining!.instanceId!);
      const info = await taskInfo(h, taskId);
      expect(info.state).to.equal('fail');
      expect(info.error?.code).to.equal('InstanceReleased');
      const [replacement] = await poolNodes(h);
      expect(replacement?.instanceId).not.to.equal(joining?.instanceId);
      await settle(h, TASK_MS, JOIN_MS);
      expect((await poolNodes(h)).map((node) => [node.state, node.nodeStatus])).to.deep.equal([['running', 'Ready']]);
    });
  });
});
