import { expect } from 'chai';
import { INSTANCE_ID_PATTERN, REQUEST_ID_PATTERN, TASK_ID_PATTERN } from '../../../src/simulator/ids.js';
import { CLUSTER_ID, startHarness, type Harness } from './support/harness.js';
import { Core, CsModels, csClient, rejectionOf, scaleOutRaw, seedSandboxBody } from './support/sdk.js';

const ACK_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/;

function typedRequest(count: number, extra: Record<string, unknown> = {}): InstanceType<typeof CsModels.ScaleOutClusterRequest> {
  return new CsModels.ScaleOutClusterRequest({
    count,
    keyPair: 'ops-key',
    vswitchIds: ['vsw-a', 'vsw-b'],
    workerInstanceTypes: ['ecs.ebmg5s.24xlarge'],
    workerDataDisks: [new CsModels.ScaleOutClusterRequestWorkerDataDisks({ category: 'cloud_ssd', size: '500' })],
    tags: [new CsModels.Tag({ key: 'team', value: 'sandbox' })],
    ...extra,
  });
}

describe('simulator through the real SDK: calls', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({
      taskDurationMs: 2000,
      clusters: [{ clusterId: CLUSTER_ID, vswitchZones: { 'vsw-a': 'cn-hangzhou-h', 'vsw-b': 'cn-hangzhou-i' }, nodeQuota: 10 }],
    });
  });

  afterEach(async () => {
    await h.sim.close();
  });

  it('ScaleOutCluster (typed) answers 202 with ACK ids', async () => {
    const response = await h.client.scaleOutCluster(CLUSTER_ID, typedRequest(2));
    expect(response.statusCode).to.equal(202);
    expect(response.body?.clusterId).to.equal(CLUSTER_ID);
    expect(response.body?.taskId).to.match(TASK_ID_PATTERN);
    expect(response.body?.requestId).to.match(REQUEST_ID_PATTERN);
  });

  it('DescribeTaskInfo reports running, then success with one instance per node', async () => {
    const taskId = (await h.client.scaleOutCluster(CLUSTER_ID, typedRequest(3))).body!.taskId!;
    const running = (await h.client.describeTaskInfo(taskId)).body!;
    expect(running).to.deep.include({ state: 'running', taskType: 'cluster_scaleout', clusterId: CLUSTER_ID });
    expect(running.error).to.equal(undefined);
    expect(running.taskResult!.map((entry) => entry.status)).to.deep.equal(['initial', 'initial', 'initial']);
    expect(running.created).to.match(ACK_TIME);

    h.clock.advance(2000);
    const done = (await h.client.describeTaskInfo(taskId)).body!;
    expect(done.state).to.equal('success');
    expect(done.updated).to.match(ACK_TIME);
    const results = done.taskResult!;
    expect(results).to.have.length(3);
    for (const entry of results) {
      expect(entry.data).to.match(INSTANCE_ID_PATTERN);
      expect(entry.status).to.equal('success');
    }
    expect(new Set(results.map((entry) => entry.data)).size).to.equal(3);
  });

  it('ScaleOutCluster via callApi accepts the seed sandbox body and keeps its tags in parameters, without the password', async () => {
    const body = seedSandboxBody({ count: 2, worker_data_disk_size: '200', tags: [{ key: 'capacity.sandbox.dev/intent', value: 'i-123' }] });
    const response = await scaleOutRaw(h.client, CLUSTER_ID, body);
    expect(response.statusCode).to.equal(202);
    const taskId = String(response.body.task_id);
    const parameters = (await h.client.describeTaskInfo(taskId)).body?.parameters ?? {};
    expect(parameters.tags).to.deep.equal([{ key: 'capacity.sandbox.dev/intent', value: 'i-123' }]);
    expect(parameters.worker_data_disk_size).to.equal('200');
    expect(JSON.stringify(parameters)).not.to.include('Hello@1234');
    expect(JSON.stringify(h.sim.control.requests())).not.to.include('Hello@1234');
  });

  it('spreads nodes round-robin over the vSwitches, each in its zone', async () => {
    await h.client.scaleOutCluster(CLUSTER_ID, typedRequest(3));
    const nodes = h.sim.control.listNodes(CLUSTER_ID) ?? [];
    expect(nodes.map((node) => [node.vswitchId, node.zone])).to.deep.equal([
      ['vsw-a', 'cn-hangzhou-h'],
      ['vsw-b', 'cn-hangzhou-i'],
      ['vsw-a', 'cn-hangzhou-h'],
    ]);
    expect(new Set(nodes.map((node) => node.privateIp)).size).to.equal(3);
    for (const node of nodes) {
      expect(node.nodeName).to.equal(`cn-hangzhou.${node.privateIp}`);
    }
  });

  it('DescribeClusterTasks lists newest first, with page_info and a camelCase requestId', async () => {
    const first = (await h.client.scaleOutCluster(CLUSTER_ID, typedRequest(1))).body?.taskId;
    h.clock.advance(2000);
    const second = (await h.client.scaleOutCluster(CLUSTER_ID, typedRequest(1))).body?.taskId;
    const page1 = (await h.client.describeClusterTasks(CLUSTER_ID, new CsModels.DescribeClusterTasksRequest({ pageSize: 1, pageNumber: 1 }))).body;
    expect(page1?.tasks?.map((task) => task.taskId)).to.deep.equal([second]);
    expect(page1?.tasks?.[0]?.state).to.equal('running');
    expect(page1?.pageInfo).to.deep.include({ pageNumber: 1, pageSize: 1, totalCount: 2 });
    expect(page1?.requestId).to.match(REQUEST_ID_PATTERN);
    const page2 = (await h.client.describeClusterTasks(CLUSTER_ID, new CsModels.DescribeClusterTasksRequest({ pageSize: 1, pageNumber: 2 }))).body;
    expect(page2?.tasks?.map((task) => [task.taskId, task.state, task.taskType])).to.deep.equal([[first, 'success', 'cluster_scaleout']]);
  });

  it('DescribeClusterNodes shows nodes initial while joining, then running, with paging and filters', async () => {
    await h.client.scaleOutCluster(CLUSTER_ID, typedRequest(3));
    const describe = async (fields: Record<string, string>) =>
      (await h.client.describeClusterNodes(CLUSTER_ID, new CsModels.DescribeClusterNodesRequest(fields))).body!;
    const joining = await describe({ pageSize: '100' });
    expect(joining.nodes!.map((node) => node.state)).to.deep.equal(['initial', 'initial', 'initial']);
    expect(joining.page).to.deep.include({ pageNumber: 1, pageSize: 100, totalCount: 3 });

    h.clock.advance(2000);
    const running = await describe({ state: 'running', pageSize: '2', pageNumber: '2' });
    expect(running.page).to.deep.include({ pageNumber: 2, pageSize: 2, totalCount: 3 });
    expect(running.nodes).to.have.length(1);
    const node = running.nodes![0]!;
    expect(node).to.deep.include({ instanceType: 'ecs.ebmg5s.24xlarge', instanceTypeFamily: 'ecs.ebmg5s', instanceRole: 'Worker' });
    expect(node.ipAddress).to.have.length(1);
    expect(node.nodeName).to.equal(`cn-hangzhou.${node.ipAddress![0]!}`);

    const byId = await describe({ instanceIds: node.instanceId! });
    expect(byId.nodes!.map((entry) => entry.instanceId)).to.deep.equal([node.instanceId]);
    const byLabel = await describe({ nodeLabels: `team=sandbox,ack.aliyun.com=${CLUSTER_ID}` });
    expect(byLabel.page!.totalCount).to.equal(3);
    expect((await describe({ nodeLabels: 'team=other' })).nodes).to.deep.equal([]);
    expect((await describe({ state: 'failed' })).nodes).to.deep.equal([]);
  });

  it('refuses a page size over 100 naming the parameter', async () => {
    const error = await rejectionOf(() => h.client.describeClusterNodes(CLUSTER_ID, new CsModels.DescribeClusterNodesRequest({ pageSize: '101' })));
    expect(error.code).to.equal('InvalidParameter');
    expect(error.message).to.include('pageSize');
  });

  it('answers an unknown cluster with ErrorClusterNotFound (404) and an unknown task with a 404', async () => {
    const cluster = await rejectionOf(() => h.client.scaleOutCluster('c-unknown', typedRequest(1)));
    expect(cluster).to.be.instanceOf(Core.ClientError);
    expect(cluster).to.include({ code: 'ErrorClusterNotFound', statusCode: 404 });
    const tasks = await rejectionOf(() => h.client.describeClusterTasks('c-unknown', new CsModels.DescribeClusterTasksRequest({})));
    expect(tasks.code).to.equal('ErrorClusterNotFound');
    const task = await rejectionOf(() => h.client.describeTaskInfo('T-000000000000000000000000'));
    expect(task).to.include({ code: 'ErrorTaskNotFound', statusCode: 404 });
    expect(task.requestId).to.match(REQUEST_ID_PATTERN);
  });

  describe('seed rules surface as ClientError InvalidParameter naming the field', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['count', { count: 0 }],
      ['key_pair', { key_pair: 'ops-key' }],
      ['login_password', { login_password: 'short1!' }],
      ['vswitch_ids', { vswitch_ids: ['a', 'b', 'c', 'd'] }],
      ['worker_data_disk', { worker_data_disk: false }],
      ['worker_data_disk_size', { worker_data_disk_size: 100 }],
      ['worker_instance_types', { worker_instance_types: ['ecs.g7.large'] }],
      ['worker_data_disk_category', { worker_data_disk_category: 'cloud_auto' }],
      ['worker_system_disk_category', { worker_system_disk_category: 'cloud' }],
      ['worker_system_disk_size', { worker_system_disk_size: 501 }],
      ['worker_instance_charge_type', { worker_instance_charge_type: 'Free' }],
    ];
    for (const [field, change] of cases) {
      it(field, async () => {
        const error = await rejectionOf(() => scaleOutRaw(h.client, CLUSTER_ID, seedSandboxBody(change)));
        expect(error).to.be.instanceOf(Core.ClientError);
        expect(error).to.include({ code: 'InvalidParameter', statusCode: 400 });
        expect(error.message).to.include(field);
        expect((error.data as Record<string, unknown>).status).to.equal(400);
      });
    }
  });

  it('refuses a second scale-out while one runs, as ACK does for a scaling cluster', async () => {
    await h.client.scaleOutCluster(CLUSTER_ID, typedRequest(1));
    const error = await rejectionOf(() => h.client.scaleOutCluster(CLUSTER_ID, typedRequest(1)));
    expect(error).to.include({ code: 'InvalidStatus.Forbidden', statusCode: 400 });
    expect(error.message).to.include('cannot operate cluster where state is scaling');
    h.clock.advance(2000);
    expect((await h.client.scaleOutCluster(CLUSTER_ID, typedRequest(1))).statusCode).to.equal(202);
  });

  it('refuses nodes beyond the cluster node quota, naming the quota', async () => {
    await h.client.scaleOutCluster(CLUSTER_ID, typedRequest(8));
    h.clock.advance(2000);
    const error = await rejectionOf(() => h.client.scaleOutCluster(CLUSTER_ID, typedRequest(3)));
    expect(error).to.include({ code: 'QuotaExceeded.Nodes', statusCode: 400 });
    expect(error.message).to.include('quota is 10 nodes');
    expect((await h.client.scaleOutCluster(CLUSTER_ID, typedRequest(2))).statusCode).to.equal(202);
  });

  it('refuses a wrong secret and an unknown AccessKey id', async () => {
    const wrongSecret = await rejectionOf(() => csClient(h.sim, { accessKeySecret: 'nope' }).describeTaskInfo('T-x'));
    expect(wrongSecret).to.include({ code: 'SignatureDoesNotMatch', statusCode: 400 });
    const unknownKey = await rejectionOf(() => csClient(h.sim, { accessKeyId: 'LTAI-nobody' }).describeTaskInfo('T-x'));
    expect(unknownKey).to.include({ code: 'InvalidAccessKeyId.NotFound', statusCode: 404 });
    expect(h.sim.control.requests().map((entry) => entry.signature)).to.deep.equal(['SignatureDoesNotMatch', 'InvalidAccessKeyId.NotFound']);
  });

  it('refuses a request whose clock is more than 15 minutes off', async () => {
    h.clock.advance(16 * 60 * 1000);
    const error = await rejectionOf(() => h.client.describeTaskInfo('T-x'));
    expect(error.code).to.equal('InvalidTimeStamp.Expired');
  });
});
