import { expect } from 'chai';
import { REQUEST_ID_PATTERN, TASK_ID_PATTERN } from '../../../src/simulator/ids.js';
import { CLUSTER_ID, startHarness, type Harness } from './support/harness.js';
import { shapeProblems } from './support/model-shape.js';
import { detail, POOL, POOL_CLUSTER, poolNodes, scaleBy, setDesired, settle, taskInfo } from './support/node-pools.js';
import { callRaw, Core, CsModels, rejectionOf, scaleOutRaw, seedSandboxBody } from './support/sdk.js';

const TASK_MS = 2000;
const JOIN_MS = 1000;

describe('simulator through the real SDK: node pools', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ taskDurationMs: TASK_MS, joinDelayMs: JOIN_MS, clusters: [POOL_CLUSTER] });
  });

  afterEach(async () => {
    await h.sim.close();
  });

  const poolPath = (nodepoolId = POOL): string => `/clusters/${CLUSTER_ID}/nodepools/${nodepoolId}`;

  describe('wire shapes', () => {
    it('DescribeClusterNodePools lists every pool with keys and types of the SDK model', async () => {
      const raw = await callRaw(h.client, { action: 'DescribeClusterNodePools', method: 'GET', pathname: `/clusters/${CLUSTER_ID}/nodepools` });
      expect(raw.statusCode).to.equal(200);
      expect(shapeProblems(raw.body, CsModels.DescribeClusterNodePoolsResponseBody)).to.deep.equal([]);
      const typed = (await h.client.describeClusterNodePools(CLUSTER_ID, new CsModels.DescribeClusterNodePoolsRequest({}))).body!;
      expect(typed.nodepools!.map((pool) => pool.nodepoolInfo?.nodepoolId)).to.deep.equal(POOL_CLUSTER.nodePools.map((pool) => pool.nodepoolId));
    });

    it('DescribeClusterNodePoolDetail matches the SDK model and describes the eligible pool', async () => {
      const raw = await callRaw(h.client, { action: 'DescribeClusterNodePoolDetail', method: 'GET', pathname: poolPath() });
      expect(shapeProblems(raw.body, CsModels.DescribeClusterNodePoolDetailResponseBody)).to.deep.equal([]);
      const { nodepoolInfo, status, scalingGroup, kubernetesConfig, autoScaling, autoMode } = await detail(h);
      expect(nodepoolInfo).to.deep.include({ nodepoolId: POOL, name: 'sandbox', type: 'ess', regionId: 'cn-hangzhou' });
      expect(nodepoolInfo!.created).to.match(/\+08:00$/);
      expect(status).to.deep.include({ state: 'active', totalNodes: 0, initialNodes: 0, failedNodes: 0, servingNodes: 0 });
      expect(scalingGroup).to.deep.include({ desiredSize: 0, vswitchIds: ['vsw-h', 'vsw-i'], instanceTypes: ['ecs.ebmg5s.24xlarge'] });
      expect(scalingGroup!.scalingGroupId).to.match(/^asg-/);
      expect(kubernetesConfig!.runtime).to.equal('Sandboxed-Container.runv');
      expect(kubernetesConfig!.labels!.map((label) => [label.key, label.value])).to.deep.equal([['team', 'sandbox']]);
      expect(autoScaling!.enable).to.equal(false);
      expect(autoMode!.enable).to.equal(false);
    });

    it('describes ineligible pools faithfully: autoscaling, containerd, edge, auto mode', async () => {
      const listed = (await h.client.describeClusterNodePools(CLUSTER_ID, new CsModels.DescribeClusterNodePoolsRequest({}))).body!.nodepools!;
      const pool = (id: string) => listed.find((entry) => entry.nodepoolInfo!.nodepoolId === id)!;
      expect(pool('np-autoscaled').autoScaling).to.deep.include({ enable: true, minInstances: 1, maxInstances: 5 });
      expect(pool('np-runc').kubernetesConfig!.runtime).to.equal('containerd');
      expect(pool('np-runc').scalingGroup!.instanceTypes).to.deep.equal(['ecs.g7.2xlarge']);
      expect(pool('np-edge').nodepoolInfo!.type).to.equal('edge');
      expect(pool('np-lingjun').nodepoolInfo!.type).to.equal('lingjun');
      expect(pool('np-lingjun').autoMode!.enable).to.equal(true);
      expect(pool(POOL).autoScaling!.enable).to.equal(false);
    });

    it('DescribeClusterNodePools filters by NodepoolName', async () => {
      const named = await h.client.describeClusterNodePools(CLUSTER_ID, new CsModels.DescribeClusterNodePoolsRequest({ nodepoolName: 'runc' }));
      expect(named.body?.nodepools?.map((pool) => pool.nodepoolInfo?.nodepoolId)).to.deep.equal(['np-runc']);
      expect(h.sim.control.requests({ action: 'DescribeClusterNodePools' })[0]?.query).to.deep.equal({ NodepoolName: 'runc' });
    });

    it('the write answers carry the SDK models keys', async () => {
      const modify = await callRaw(h.client, { action: 'ModifyClusterNodePool', method: 'PUT', pathname: poolPath(), body: { scaling_group: { desired_size: 1 } } });
      expect(shapeProblems(modify.body, CsModels.ModifyClusterNodePoolResponseBody)).to.deep.equal([]);
      expect(modify.body).to.include({ nodepool_id: POOL });
      expect(modify.body.request_id).to.match(REQUEST_ID_PATTERN);
      expect(modify.body.task_id).to.match(TASK_ID_PATTERN);
      h.clock.advance(TASK_MS);
      const scale = await callRaw(h.client, { action: 'ScaleClusterNodePool', method: 'POST', pathname: poolPath(), body: { count: 1 } });
      expect(shapeProblems(scale.body, CsModels.ScaleClusterNodePoolResponseBody)).to.deep.equal([]);
      expect(Object.keys(scale.body)).to.deep.equal(['task_id']);
      h.clock.advance(TASK_MS);
      const [node] = await poolNodes(h);
      const remove = await callRaw(h.client, {
        action: 'RemoveNodePoolNodes',
        method: 'DELETE',
        pathname: `${poolPath()}/nodes`,
        query: { instance_ids: JSON.stringify([node?.instanceId]) },
      });
      expect(shapeProblems(remove.body, CsModels.RemoveNodePoolNodesResponseBody)).to.deep.equal([]);
      h.clock.advance(TASK_MS);
      const [other] = await poolNodes(h);
      const deleted = await callRaw(h.client, { action: 'DeleteClusterNodes', method: 'POST', pathname: `/clusters/${CLUSTER_ID}/nodes`, body: { nodes: [other?.nodeName] } });
      expect(shapeProblems(deleted.body, CsModels.DeleteClusterNodesResponseBody)).to.deep.equal([]);
      expect(deleted.body.cluster_id).to.equal(CLUSTER_ID);
      const info = await callRaw(h.client, { action: 'DescribeTaskInfo', method: 'GET', pathname: `/tasks/${String(modify.body.task_id)}` });
      expect(shapeProblems(info.body, CsModels.DescribeTaskInfoResponseBody)).to.deep.equal([]);
      const nodes = await callRaw(h.client, { action: 'DescribeClusterNodes', method: 'GET', pathname: `/clusters/${CLUSTER_ID}/nodes`, query: { nodepool_id: POOL } });
      expect(shapeProblems(nodes.body, CsModels.DescribeClusterNodesResponseBody)).to.deep.equal([]);
      const tasks = await callRaw(h.client, { action: 'DescribeClusterTasks', method: 'GET', pathname: `/clusters/${CLUSTER_ID}/tasks` });
      expect(shapeProblems(tasks.body, CsModels.DescribeClusterTasksResponseBody)).to.deep.equal([]);
    });

    it('answers an unknown pool with ErrorNodePoolNotFound (404) on every pool call', async () => {
      const calls: [string, () => Promise<unknown>][] = [
        ['detail', () => h.client.describeClusterNodePoolDetail(CLUSTER_ID, 'np-missing')],
        ['modify', () => setDesired(h, 1, 'np-missing')],
        ['scale', () => scaleBy(h, 1, 'np-missing')],
        ['remove', () => h.client.removeNodePoolNodes(CLUSTER_ID, 'np-missing', new CsModels.RemoveNodePoolNodesRequest({ instanceIds: ['i-x'] }))],
      ];
      for (const [name, call] of calls) {
        const error = await rejectionOf(call);
        expect(error, name).to.be.instanceOf(Core.ClientError);
        expect(error, name).to.include({ code: 'ErrorNodePoolNotFound', statusCode: 404 });
      }
      const cluster = await rejectionOf(() => h.client.describeClusterNodePools('c-unknown', new CsModels.DescribeClusterNodePoolsRequest({})));
      expect(cluster).to.include({ code: 'ErrorClusterNotFound', statusCode: 404 });
    });
  });

  describe('the pool converges to an absolute desired_size', () => {
    it('desired 0 → 3: scaling with initial_nodes, then active with 3 running nodes that join', async () => {
      const taskId = await setDesired(h, 3);
      const [record] = h.sim.control.requests({ action: 'ModifyClusterNodePool' });
      expect(record?.body, 'the typed SDK call sends only scaling_group.desired_size').to.deep.equal({ scaling_group: { desired_size: 3 } });
      expect(record).to.include({ method: 'PUT', path: poolPath(), taskId });

      const scaling = await detail(h);
      expect(scaling.status).to.deep.include({ state: 'scaling', totalNodes: 3, initialNodes: 3, servingNodes: 0 });
      expect(scaling.scalingGroup?.desiredSize).to.equal(3);
      const joining = await poolNodes(h);
      expect(joining.map((node) => [node.state, node.nodepoolId])).to.deep.equal(Array(3).fill(['initial', POOL]));
      const running = await taskInfo(h, taskId);
      expect(running).to.deep.include({ state: 'running', taskType: 'nodepool_update', clusterId: CLUSTER_ID });
      expect(running.target).to.deep.include({ id: POOL, type: 'nodepool' });
      expect(running.taskResult?.map((entry) => entry.status)).to.deep.equal(['initial', 'initial', 'initial']);

      h.clock.advance(TASK_MS);
      const done = await taskInfo(h, taskId);
      expect(done.state).to.equal('success');
      expect(done.taskResult?.map((entry) => entry.data).sort()).to.deep.equal(joining.map((node) => node.instanceId).sort());
      const active = await detail(h);
      expect(active.status).to.deep.include({ state: 'active', totalNodes: 3, initialNodes: 0, servingNodes: 3, healthyNodes: 0 });
      h.clock.advance(JOIN_MS);
      await h.sim.tick();
      expect((await detail(h)).status).to.deep.include({ healthyNodes: 3, offlineNodes: 0 });
      expect((await poolNodes(h)).map((node) => [node.state, node.nodeStatus])).to.deep.equal(Array(3).fill(['running', 'Ready']));
    });

    it('spreads a pool over its vSwitches, each node in its zone, and lists pool tasks in DescribeClusterTasks', async () => {
      const taskId = await setDesired(h, 4);
      const zones = (h.sim.control.listNodes(CLUSTER_ID) ?? []).map((node) => [node.vswitchId, node.zone]);
      expect(zones.sort()).to.deep.equal([
        ['vsw-h', 'cn-hangzhou-h'],
        ['vsw-h', 'cn-hangzhou-h'],
        ['vsw-i', 'cn-hangzhou-i'],
        ['vsw-i', 'cn-hangzhou-i'],
      ]);
      const tasks = (await h.client.describeClusterTasks(CLUSTER_ID, new CsModels.DescribeClusterTasksRequest({}))).body!.tasks!;
      expect(tasks.map((task) => [task.taskId, task.taskType, task.state])).to.deep.equal([[taskId, 'nodepool_update', 'running']]);
    });

    it('the same desired_size twice leaves the pool at that size (a new task that succeeds at once)', async () => {
      await setDesired(h, 3);
      await settle(h, TASK_MS, JOIN_MS);
      const before = (await poolNodes(h)).map((node) => node.instanceId).sort();
      const again = await setDesired(h, 3);
      expect((await taskInfo(h, again)).state).to.equal('success');
      await settle(h, TASK_MS, JOIN_MS);
      expect((await poolNodes(h)).map((node) => node.instanceId).sort()).to.deep.equal(before);
      expect((await detail(h)).status?.totalNodes).to.equal(3);
      expect(h.sim.control.requests({ action: 'ModifyClusterNodePool' })).to.have.length(2);
    });

    it('a lower desired_size removes the newest nodes without draining, then the pool is active', async () => {
      await setDesired(h, 3);
      await settle(h, TASK_MS, JOIN_MS);
      const created = h.sim.control.listNodes(CLUSTER_ID)!;
      const taskId = await setDesired(h, 1);
      const removing = (await poolNodes(h)).filter((node) => node.state === 'removing');
      expect(removing).to.have.length(2);
      expect((await detail(h)).status).to.deep.include({ state: 'scaling', removingNodes: 2 });
      h.clock.advance(TASK_MS);
      const info = await taskInfo(h, taskId);
      expect(info.state).to.equal('success');
      expect(info.taskResult?.map((entry) => entry.data).sort()).to.deep.equal(removing.map((node) => node.instanceId).sort());
      const left = await poolNodes(h);
      expect(left.map((node) => node.instanceId)).to.deep.equal([created[0]?.instanceId]);
      expect((await detail(h)).status).to.deep.include({ state: 'active', totalNodes: 1 });
    });

    it('refuses writes while the pool is scaling with InvalidStatus.NodePool, and takes them once it is active', async () => {
      await setDesired(h, 2);
      const modify = await rejectionOf(() => setDesired(h, 3));
      expect(modify).to.be.instanceOf(Core.ClientError);
      expect(modify).to.include({ code: 'InvalidStatus.NodePool', statusCode: 400 });
      expect(modify.message).to.include(`cannot operate node pool ${POOL} where state is scaling`);
      expect((await rejectionOf(() => scaleBy(h, 1))).code).to.equal('InvalidStatus.NodePool');
      expect((await detail(h)).scalingGroup?.desiredSize, 'the refused write changed nothing').to.equal(2);
      h.clock.advance(TASK_MS);
      await setDesired(h, 3);
      expect((await detail(h)).scalingGroup?.desiredSize).to.equal(3);
    });

    it('ScaleClusterNodePool adds relative to desired_size, twice', async () => {
      const first = await scaleBy(h, 2);
      expect(h.sim.control.requests({ action: 'ScaleClusterNodePool' })[0]?.body).to.deep.equal({ count: 2 });
      expect((await taskInfo(h, first)).taskType).to.equal('nodepool_scaleout');
      expect((await detail(h)).scalingGroup?.desiredSize).to.equal(2);
      h.clock.advance(TASK_MS);
      await scaleBy(h, 2);
      expect((await detail(h)).scalingGroup?.desiredSize).to.equal(4);
      h.clock.advance(TASK_MS);
      expect((await poolNodes(h)).map((node) => node.state)).to.deep.equal(Array(4).fill('running'));
    });

    it('a pool whose autoscaler owns the size stores desired_size but creates nothing', async () => {
      await setDesired(h, 3, 'np-autoscaled');
      h.clock.advance(TASK_MS);
      const pool = await detail(h, 'np-autoscaled');
      expect(pool.scalingGroup?.desiredSize).to.equal(3);
      expect(pool.status).to.deep.include({ state: 'active', totalNodes: 0 });
      expect(await poolNodes(h, 'np-autoscaled')).to.deep.equal([]);
    });

    it('pool nodes carry the pool id, runtime and labels; DescribeClusterNodes pages and filters them', async () => {
      await setDesired(h, 3);
      await setDesired(h, 2, 'np-runc');
      h.clock.advance(TASK_MS);
      const describe = async (fields: Record<string, string>) =>
        (await h.client.describeClusterNodes(CLUSTER_ID, new CsModels.DescribeClusterNodesRequest(fields))).body!;
      const page = await describe({ nodepoolId: POOL, pageSize: '2', pageNumber: '2' });
      expect(page.page).to.deep.include({ pageNumber: 2, pageSize: 2, totalCount: 3 });
      expect(page.nodes).to.have.length(1);
      const runc = await poolNodes(h, 'np-runc');
      expect(runc).to.have.length(2);
      const byId = await describe({ instanceIds: runc.map((node) => node.instanceId).join(',') });
      expect(byId.nodes?.map((node) => node.nodepoolId)).to.deep.equal(['np-runc', 'np-runc']);
      const sandbox = await describe({ nodeLabels: 'alibabacloud.com/container-runtime=Sandboxed-Container.runv,team=sandbox' });
      expect(sandbox.page?.totalCount).to.equal(3);
      expect((await describe({ nodeLabels: `alibabacloud.com/nodepool-id=np-runc,ack.aliyun.com=${CLUSTER_ID}` })).page?.totalCount).to.equal(2);
    });

    it('refuses growth beyond the per-call limit or the node quota, and bad bodies, naming the field', async () => {
      await h.sim.close();
      h = await startHarness({ taskDurationMs: TASK_MS, maxNodesPerCall: 5, clusters: [POOL_CLUSTER] });
      const tooMany = await rejectionOf(() => setDesired(h, 6));
      expect(tooMany).to.include({ code: 'InvalidParameter', statusCode: 400 });
      expect(tooMany.message).to.include('scaling_group.desired_size').and.include('at most 5');
      await setDesired(h, 5);
      h.clock.advance(TASK_MS);
      await setDesired(h, 10);
      h.clock.advance(TASK_MS);
      await setDesired(h, 15);
      h.clock.advance(TASK_MS);
      await setDesired(h, 20);
      h.clock.advance(TASK_MS);
      const quota = await rejectionOf(() => scaleBy(h, 1));
      expect(quota).to.include({ code: 'QuotaExceeded.Nodes', statusCode: 400 });
      expect(quota.message).to.include('quota is 20 nodes');
      const negative = await rejectionOf(() => callRaw(h.client, { action: 'ModifyClusterNodePool', method: 'PUT', pathname: poolPath(), body: { scaling_group: { desired_size: -1 } } }));
      expect(negative.message).to.include('scaling_group.desired_size');
      const notObject = await rejectionOf(() => callRaw(h.client, { action: 'ModifyClusterNodePool', method: 'PUT', pathname: poolPath(), body: { scaling_group: 'big' } }));
      expect(notObject.message).to.include('scaling_group must be an object');
      const count = await rejectionOf(() => callRaw(h.client, { action: 'ScaleClusterNodePool', method: 'POST', pathname: poolPath(), body: { count: 0 } }));
      expect(count.message).to.include('count');
    });

    it('applies the other Modify fields it knows, as ACK would (a partial body can clobber the pool)', async () => {
      await callRaw(h.client, {
        action: 'ModifyClusterNodePool',
        method: 'PUT',
        pathname: poolPath(),
        body: { nodepool_info: { name: 'renamed' }, scaling_group: { vswitch_ids: ['vsw-i'] } },
      });
      const pool = await detail(h);
      expect(pool.nodepoolInfo?.name).to.equal('renamed');
      expect(pool.scalingGroup?.vswitchIds).to.deep.equal(['vsw-i']);
      expect(pool.scalingGroup?.desiredSize).to.equal(0);
    });
  });

  describe('scale-in', () => {
    async function threeRunning(): Promise<string[]> {
      await setDesired(h, 3);
      await settle(h, TASK_MS, JOIN_MS);
      return (await poolNodes(h)).map((node) => node.instanceId!);
    }

    it('RemoveNodePoolNodes removes exactly the named instances and lowers desired_size by their number', async () => {
      const [keep, gone1, gone2] = await threeRunning();
      const request = new CsModels.RemoveNodePoolNodesRequest({ instanceIds: [gone1!, gone2!], drainNode: true, releaseNode: true });
      const response = await h.client.removeNodePoolNodes(CLUSTER_ID, POOL, request);
      const taskId = response.body!.taskId!;
      const [record] = h.sim.control.requests({ action: 'RemoveNodePoolNodes' });
      expect(record).to.include({ method: 'DELETE', path: `${poolPath()}/nodes` });
      expect(JSON.parse(record?.query.instance_ids ?? '[]')).to.deep.equal([gone1, gone2]);
      expect(record?.query).to.include({ drain_node: 'true', release_node: 'true' });

      const removing = await detail(h);
      expect(removing.scalingGroup?.desiredSize).to.equal(1);
      expect(removing.status).to.deep.include({ state: 'removing', removingNodes: 2, servingNodes: 1 });
      expect((await rejectionOf(() => setDesired(h, 2))).message).to.include('where state is removing');
      const info = await taskInfo(h, taskId);
      expect(info).to.deep.include({ taskType: 'nodepool_remove_nodes', state: 'running' });
      expect(info.parameters).to.deep.include({ instance_ids: [gone1, gone2], drain_node: true, release_node: true });

      h.clock.advance(TASK_MS);
      expect((await taskInfo(h, taskId)).state).to.equal('success');
      h.clock.advance(TASK_MS);
      await h.sim.tick();
      expect((await poolNodes(h)).map((node) => node.instanceId), 'no refill').to.deep.equal([keep]);
      expect((await detail(h)).status).to.deep.include({ state: 'active', totalNodes: 1 });
    });

    it('RemoveNodePoolNodes refuses an instance that is not in the pool and removes nothing', async () => {
      const [first] = await threeRunning();
      await scaleOutRaw(h.client, CLUSTER_ID, seedSandboxBody({ vswitch_ids: ['vsw-h'] }));
      const scaleOutNode = (h.sim.control.listNodes(CLUSTER_ID) ?? []).find((node) => !node.pooled);
      const error = await rejectionOf(() =>
        h.client.removeNodePoolNodes(CLUSTER_ID, POOL, new CsModels.RemoveNodePoolNodesRequest({ instanceIds: [first!, scaleOutNode!.instanceId] })),
      );
      expect(error).to.include({ code: 'InvalidParameter', statusCode: 400 });
      expect(error.message).to.include('instance_ids').and.include(scaleOutNode!.instanceId).and.include(`not a node of node pool ${POOL}`);
      expect((await detail(h)).scalingGroup?.desiredSize).to.equal(3);
      expect((await poolNodes(h)).map((node) => node.state)).to.deep.equal(['running', 'running', 'running']);
      const empty = await rejectionOf(() => h.client.removeNodePoolNodes(CLUSTER_ID, POOL, new CsModels.RemoveNodePoolNodesRequest({})));
      expect(empty.message).to.include('instance_ids is required');
    });

    it('DeleteClusterNodes on a pool node keeps desired_size, so the pool refills', async () => {
      const ids = await threeRunning();
      const victim = (await poolNodes(h))[0]!;
      const response = await h.client.deleteClusterNodes(
        CLUSTER_ID,
        new CsModels.DeleteClusterNodesRequest({ nodes: [victim.nodeName!], drainNode: true, releaseNode: true }),
      );
      expect(h.sim.control.requests({ action: 'DeleteClusterNodes' })[0]?.body).to.deep.equal({ drain_node: true, nodes: [victim.nodeName], release_node: true });
      const info = await taskInfo(h, response.body!.taskId!);
      expect(info).to.deep.include({ taskType: 'cluster_remove_nodes' });
      expect(info.target).to.deep.include({ id: CLUSTER_ID, type: 'cluster' });
      const during = await detail(h);
      expect(during.scalingGroup?.desiredSize).to.equal(3);
      expect(during.status).to.deep.include({ removingNodes: 1, initialNodes: 1 });
      h.clock.advance(TASK_MS);
      const after = await poolNodes(h);
      expect(after.map((node) => node.state)).to.deep.equal(['running', 'running', 'running']);
      expect(after.map((node) => node.instanceId)).not.to.include(victim.instanceId);
      expect(after.filter((node) => ids.includes(node.instanceId!))).to.have.length(2);
      expect((await taskInfo(h, response.body!.taskId!)).state).to.equal('success');
    });

    it('DeleteClusterNodes on ScaleOutCluster nodes removes them for good, and refuses an unknown node', async () => {
      await scaleOutRaw(h.client, CLUSTER_ID, seedSandboxBody({ count: 2, vswitch_ids: ['vsw-h'] }));
      h.clock.advance(TASK_MS);
      const [first, second] = h.sim.control.listNodes(CLUSTER_ID)!;
      const unknown = await rejectionOf(() => h.client.deleteClusterNodes(CLUSTER_ID, new CsModels.DeleteClusterNodesRequest({ nodes: ['cn-hangzhou.10.9.9.9'] })));
      expect(unknown).to.include({ code: 'InvalidParameter' });
      expect(unknown.message).to.include('nodes').and.include('cn-hangzhou.10.9.9.9');
      await h.client.deleteClusterNodes(CLUSTER_ID, new CsModels.DeleteClusterNodesRequest({ nodes: [first!.nodeName] }));
      h.clock.advance(TASK_MS);
      await h.sim.tick();
      h.clock.advance(TASK_MS);
      await h.sim.tick();
      expect(h.sim.control.listNodes(CLUSTER_ID)!.map((node) => node.instanceId)).to.deep.equal([second!.instanceId]);
    });

    it('an instance released in ACK leaves DescribeClusterNodes and the pool replaces it', async () => {
      const ids = await threeRunning();
      expect(await h.sim.control.releaseInstance(CLUSTER_ID, ids[1]!)).to.equal(true);
      expect((await poolNodes(h)).map((node) => node.instanceId)).not.to.include(ids[1]);
      const replaced = await poolNodes(h);
      expect(replaced).to.have.length(3);
      expect(replaced.filter((node) => node.state === 'initial')).to.have.length(1);
      h.clock.advance(TASK_MS);
      expect((await poolNodes(h)).map((node) => node.state)).to.deep.equal(['running', 'running', 'running']);
      expect((await detail(h)).scalingGroup?.desiredSize).to.equal(3);
    });
  });
});
