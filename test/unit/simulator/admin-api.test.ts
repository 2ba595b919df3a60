import { expect } from 'chai';
import { CLUSTER_ID, startHarness, type Harness } from './support/harness.js';
import { CsModels, rejectionOf, scaleOutRaw, seedSandboxBody } from './support/sdk.js';

describe('simulator admin API (/_sim)', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ taskDurationMs: 2000, joinDelayMs: 1000 });
  });

  afterEach(async () => {
    await h.sim.close();
  });

  async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${h.sim.url}/_sim${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    return { status: response.status, body: await response.json() };
  }

  async function startTask(count = 2): Promise<string> {
    return String((await scaleOutRaw(h.client, CLUSTER_ID, seedSandboxBody({ count }))).body.task_id);
  }

  it('adds, lists and removes fault rules; the rules act on ACK calls', async () => {
    const added = await admin('POST', '/faults', { kind: 'throttle', retryAfterMs: 500 });
    expect(added.status).to.equal(201);
    const [rule] = added.body as { id: string; kind: string }[];
    expect((await admin('GET', '/faults')).body).to.deep.equal([{ kind: 'throttle', retryAfterMs: 500, id: rule?.id, fired: 0 }]);
    expect((await rejectionOf(() => h.client.describeTaskInfo('T-x'))).code).to.equal('Throttling.User');
    expect((await admin('DELETE', `/faults/${rule?.id ?? ''}`)).status).to.equal(200);
    expect((await admin('DELETE', `/faults/${rule?.id ?? ''}`)).status).to.equal(404);
    expect((await rejectionOf(() => h.client.describeTaskInfo('T-x'))).code).to.equal('ErrorTaskNotFound');
  });

  it('refuses a malformed fault with 400 and a message', async () => {
    const response = await admin('POST', '/faults', { kind: 'throttle', probability: 2 });
    expect(response.status).to.equal(400);
    expect(response.body).to.have.property('message').that.includes('probability');
  });

  it('returns recorded requests, filtered by action and sequence, with passwords redacted', async () => {
    await startTask();
    await h.client.describeClusterTasks(CLUSTER_ID, new CsModels.DescribeClusterTasksRequest({}));
    const all = (await admin('GET', '/requests')).body as { seq: number; action: string; body?: Record<string, unknown> }[];
    expect(all.map((entry) => entry.action)).to.deep.equal(['ScaleOutCluster', 'DescribeClusterTasks']);
    expect(all[0]?.body?.login_password).to.equal('******');
    const scaleOuts = (await admin('GET', '/requests?action=ScaleOutCluster')).body as unknown[];
    expect(scaleOuts).to.have.length(1);
    const later = (await admin('GET', `/requests?since=${all[0]?.seq ?? 0}`)).body as { action: string }[];
    expect(later.map((entry) => entry.action)).to.deep.equal(['DescribeClusterTasks']);
    await admin('DELETE', '/requests');
    expect((await admin('GET', '/requests')).body).to.deep.equal([]);
  });

  it('lists tasks and finishes one now, with chosen failures', async () => {
    const taskId = await startTask(4);
    const tasks = (await admin('GET', `/tasks?clusterId=${CLUSTER_ID}`)).body as { taskId: string; state: string }[];
    expect(tasks.map((task) => [task.taskId, task.state])).to.deep.equal([[taskId, 'running']]);
    const finished = await admin('POST', `/tasks/${taskId}/finish`, { state: 'fail', failures: 1 });
    expect(finished.body).to.deep.include({ state: 'fail', failedCount: 1 });
    const info = (await h.client.describeTaskInfo(taskId)).body;
    expect(info?.taskResult?.map((entry) => entry.status)).to.deep.equal(['success', 'success', 'success', 'failed']);
    expect((await admin('POST', `/tasks/${taskId}/finish`, {})).status, 'already finished').to.equal(400);
    expect((await admin('GET', '/tasks/T-nope')).status).to.equal(404);
  });

  it('adds and changes clusters, which ACK calls then see', async () => {
    const created = await admin('POST', '/clusters', { clusterId: 'c-second', regionId: 'cn-shanghai', nodeQuota: 1 });
    expect(created.status).to.equal(201);
    expect(created.body).to.deep.include({ clusterId: 'c-second', regionId: 'cn-shanghai', nodeQuota: 1, sandbox: true, maxConcurrentScaleOuts: 1 });
    expect((await rejectionOf(() => scaleOutRaw(h.client, 'c-second', seedSandboxBody({ count: 2 })))).code).to.equal('QuotaExceeded.Nodes');
    await admin('PATCH', '/clusters/c-second', { nodeQuota: 5 });
    expect((await scaleOutRaw(h.client, 'c-second', seedSandboxBody({ count: 2 }))).statusCode).to.equal(202);
    expect((await admin('GET', '/clusters/c-second/nodes')).body).to.have.length(2);
    expect((await admin('DELETE', '/clusters/c-second')).status).to.equal(200);
    expect((await rejectionOf(() => scaleOutRaw(h.client, 'c-second', seedSandboxBody()))).code).to.equal('ErrorClusterNotFound');
    expect((await admin('POST', '/clusters', { clusterId: 'c-bad', nodeQuota: -1 })).status).to.equal(400);
  });

  it('removes a node from the cluster', async () => {
    await startTask(2);
    const [node] = (await admin('GET', `/clusters/${CLUSTER_ID}/nodes`)).body as { instanceId: string }[];
    expect((await admin('DELETE', `/clusters/${CLUSTER_ID}/nodes/${node?.instanceId ?? ''}`)).status).to.equal(200);
    expect((await admin('GET', `/clusters/${CLUSTER_ID}/nodes`)).body).to.have.length(1);
  });

  it('reads and changes settings at run time', async () => {
    expect((await admin('GET', '/settings')).body).to.deep.include({ taskDurationMs: 2000, joinDelayMs: 1000, maxNodesPerCall: 500 });
    expect((await admin('PUT', '/settings', { maxNodesPerCall: 3 })).status).to.equal(200);
    expect((await rejectionOf(() => scaleOutRaw(h.client, CLUSTER_ID, seedSandboxBody({ count: 4 })))).message).to.include('count');
    expect((await admin('PUT', '/settings', { speed: 3 })).status).to.equal(400);
  });

  it('tick runs due work: a finished task\'s nodes report Ready after the join delay', async () => {
    await startTask(1);
    h.clock.advance(2000);
    await admin('POST', '/tick');
    const nodes = () => h.sim.control.listNodes(CLUSTER_ID)?.map((node) => [node.state, node.nodeStatus]);
    expect(nodes()).to.deep.equal([['running', 'Unknown']]);
    h.clock.advance(1000);
    await admin('POST', '/tick');
    expect(nodes()).to.deep.equal([['running', 'Ready']]);
  });

  it('reset forgets tasks, requests, faults and changes, keeping start-up configuration', async () => {
    await startTask();
    await admin('POST', '/faults', { kind: 'unavailable' });
    await admin('PUT', '/settings', { taskDurationMs: 1 });
    await admin('POST', '/clusters', { clusterId: 'c-extra' });
    expect((await admin('POST', '/reset')).status).to.equal(200);
    expect((await admin('GET', '/tasks')).body).to.deep.equal([]);
    expect((await admin('GET', '/faults')).body).to.deep.equal([]);
    expect((await admin('GET', '/requests')).body).to.deep.equal([]);
    expect((await admin('GET', '/settings')).body).to.deep.include({ taskDurationMs: 2000 });
    expect(((await admin('GET', '/clusters')).body as { clusterId: string }[]).map((cluster) => cluster.clusterId)).to.deep.equal([CLUSTER_ID]);
    expect((await startTask()).length).to.be.greaterThan(0);
  });

  it('answers unknown admin paths and bad JSON with JSON errors', async () => {
    expect((await admin('GET', '/nothing')).status).to.equal(404);
    const response = await fetch(`${h.sim.url}/_sim/faults`, { method: 'POST', body: '{oops' });
    expect(response.status).to.equal(400);
    expect(await response.json()).to.have.property('message');
  });
});
