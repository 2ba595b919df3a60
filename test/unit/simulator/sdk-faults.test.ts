import { expect } from 'chai';
import { CLUSTER_ID, startHarness, type Harness } from './support/harness.js';
import { Core, CsModels, csClient, rejectionOf, scaleOutRaw, seedSandboxBody } from './support/sdk.js';

function body(count = 1, tags: { key: string; value: string }[] = []): Record<string, unknown> {
  return seedSandboxBody({ count, tags });
}

async function tasksOfCluster(h: Harness): Promise<{ taskId?: string; state?: string }[]> {
  const response = await h.client.describeClusterTasks(CLUSTER_ID, new CsModels.DescribeClusterTasksRequest({}));
  return response.body?.tasks ?? [];
}

describe('simulator through the real SDK: injected faults', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ taskDurationMs: 2000, clusters: [{ clusterId: CLUSTER_ID, maxConcurrentScaleOuts: 10 }] });
  });

  afterEach(async () => {
    await h.sim.close();
  });

  it('throttling surfaces as ThrottlingError with retryAfter (ms) from x-acs-retry-after', async () => {
    h.sim.control.addFault({ kind: 'throttle', times: 1, retryAfterMs: 1500 });
    const error = await rejectionOf(() => h.client.describeTaskInfo('T-x'));
    expect(error).to.be.instanceOf(Core.ThrottlingError);
    expect(error).to.include({ code: 'Throttling.User', statusCode: 400, retryAfter: 1500 });
    expect(error.message).to.include('flow control');
  });

  it('a throttle without retry-after has retryAfter undefined', async () => {
    h.sim.control.addFault({ kind: 'throttle', times: 1 });
    const error = await rejectionOf(() => h.client.describeTaskInfo('T-x'));
    expect(error).to.be.instanceOf(Core.ThrottlingError);
    expect(error.retryAfter).to.equal(undefined);
  });

  it('5xx surfaces as ServerError ServiceUnavailable, and nothing is created', async () => {
    h.sim.control.addFault({ kind: 'unavailable', times: 1 });
    const error = await rejectionOf(() => scaleOutRaw(h.client, CLUSTER_ID, body()));
    expect(error).to.be.instanceOf(Core.ServerError);
    expect(error).to.include({ code: 'ServiceUnavailable', statusCode: 503 });
    expect(await tasksOfCluster(h)).to.deep.equal([]);
  });

  it('a custom error (e.g. ErrorCheckAcl 403) surfaces as ClientError', async () => {
    h.sim.control.addFault({ kind: 'error', status: 403, code: 'ErrorCheckAcl', message: 'no permission', times: 1 });
    const error = await rejectionOf(() => h.client.describeTaskInfo('T-x'));
    expect(error).to.be.instanceOf(Core.ClientError);
    expect(error).to.include({ code: 'ErrorCheckAcl', statusCode: 403 });
  });

  it('a non-JSON body surfaces as a SyntaxError', async () => {
    h.sim.control.addFault({ kind: 'non-json', times: 1 });
    const error = await rejectionOf(() => h.client.describeTaskInfo('T-x'));
    expect(error).to.be.instanceOf(SyntaxError);
  });

  it('a non-JSON 200 also surfaces as a SyntaxError', async () => {
    h.sim.control.addFault({ kind: 'non-json', status: 200, times: 1 });
    expect(await rejectionOf(() => h.client.describeTaskInfo('T-x'))).to.be.instanceOf(SyntaxError);
  });

  it('a stock-out refuses the scale-out with OperationDenied.NoStock', async () => {
    h.sim.control.addFault({ kind: 'no-stock', times: 1 });
    const error = await rejectionOf(() => scaleOutRaw(h.client, CLUSTER_ID, body()));
    expect(error).to.be.instanceOf(Core.ClientError);
    expect(error.code).to.equal('OperationDenied.NoStock');
    expect(await tasksOfCluster(h)).to.deep.equal([]);
  });

  it('a quota fault refuses the scale-out with QuotaExceeded.Nodes naming the quota', async () => {
    h.sim.control.addFault({ kind: 'quota', times: 1 });
    const error = await rejectionOf(() => scaleOutRaw(h.client, CLUSTER_ID, body()));
    expect(error.code).to.equal('QuotaExceeded.Nodes');
    expect(error.message).to.include('nodes per cluster');
  });

  it('a slow answer beyond the client timeout is a timeout, yet the task exists', async () => {
    h.sim.control.addFault({ kind: 'slow', delayMs: 1200, times: 1 });
    const slowClient = csClient(h.sim, { timeoutMs: 300 });
    const error = await rejectionOf(() => scaleOutRaw(slowClient, CLUSTER_ID, body()));
    expect(error.name).to.equal('RequestTimeoutError');
    expect(await tasksOfCluster(h)).to.have.length(1);
  });

  it('a slow answer within the client timeout succeeds', async () => {
    h.sim.control.addFault({ kind: 'slow', delayMs: 100, times: 1 });
    expect((await h.client.describeClusterTasks(CLUSTER_ID, new CsModels.DescribeClusterTasksRequest({}))).statusCode).to.equal(200);
  });

  describe('accepted but the response is lost', () => {
    it('mode error: the client sees a 503, the task was created and carries the request tags', async () => {
      h.sim.control.addFault({ kind: 'lost-response', times: 1 });
      const tags = [{ key: 'capacity.sandbox.dev/intent', value: 'intent-7' }];
      const error = await rejectionOf(() => scaleOutRaw(h.client, CLUSTER_ID, body(2, tags)));
      expect(error).to.be.instanceOf(Core.ServerError);
      const [task] = await tasksOfCluster(h);
      expect(task?.state).to.equal('running');
      const info = (await h.client.describeTaskInfo(task?.taskId ?? '')).body;
      expect(info?.parameters?.tags).to.deep.equal(tags);
      const [record] = h.sim.control.requests({ action: 'ScaleOutCluster' });
      expect(record).to.include({ status: 503, code: 'ServiceUnavailable', taskId: task?.taskId });
      expect(record?.faults).to.deep.equal(['lost-response']);
    });

    it('mode timeout: the client times out, the task was created', async () => {
      h.sim.control.addFault({ kind: 'lost-response', mode: 'timeout', delayMs: 1500, times: 1 });
      const error = await rejectionOf(() => scaleOutRaw(csClient(h.sim, { timeoutMs: 300 }), CLUSTER_ID, body()));
      expect(error.name).to.equal('RequestTimeoutError');
      expect(await tasksOfCluster(h)).to.have.length(1);
      expect(h.sim.control.requests({ action: 'ScaleOutCluster' })[0]?.status).to.equal(0);
    });

    it('mode reset: the connection drops, the task was created', async () => {
      h.sim.control.addFault({ kind: 'lost-response', mode: 'reset', times: 1 });
      const error = await rejectionOf(() => scaleOutRaw(h.client, CLUSTER_ID, body()));
      expect(error.message).to.match(/socket hang up|ECONNRESET/);
      expect(await tasksOfCluster(h)).to.have.length(1);
    });
  });

  describe('task outcomes', () => {
    it('a partly failed task ends fail with a mixed task_result and an error object', async () => {
      h.sim.control.addFault({ kind: 'task-fail', failFraction: 0.5, code: 'NoStockInZone', times: 1 });
      const taskId = String((await scaleOutRaw(h.client, CLUSTER_ID, body(4))).body.task_id);
      h.clock.advance(2000);
      const info = (await h.client.describeTaskInfo(taskId)).body;
      expect(info?.state).to.equal('fail');
      expect(info?.taskResult?.map((entry) => entry.status)).to.deep.equal(['success', 'success', 'failed', 'failed']);
      expect(info?.error?.code).to.equal('NoStockInZone');
      expect(info?.error?.message).to.include('2 of 4');
      const failed = (await h.client.describeClusterNodes(CLUSTER_ID, new CsModels.DescribeClusterNodesRequest({ state: 'failed' }))).body;
      expect(failed?.nodes?.map((node) => node.instanceId)).to.deep.equal(info?.taskResult?.slice(2).map((entry) => entry.data));
    });

    it('a wholly failed task fails every node', async () => {
      h.sim.control.addFault({ kind: 'task-fail', times: 1 });
      const taskId = String((await scaleOutRaw(h.client, CLUSTER_ID, body(2))).body.task_id);
      h.clock.advance(2000);
      const info = (await h.client.describeTaskInfo(taskId)).body;
      expect(info?.state).to.equal('fail');
      expect(info?.taskResult?.map((entry) => entry.status)).to.deep.equal(['failed', 'failed']);
    });

    it('a stuck task stays running until finished by hand', async () => {
      h.sim.control.addFault({ kind: 'task-stuck', times: 1 });
      const taskId = String((await scaleOutRaw(h.client, CLUSTER_ID, body(1))).body.task_id);
      const now = h.clock.now();
      h.clock.advance(24 * 60 * 60 * 1000);
      expect(h.sim.control.getTask(taskId)?.state).to.equal('running');
      h.clock.set(now);
      expect((await h.client.describeTaskInfo(taskId)).body?.state).to.equal('running');
      h.sim.control.finishTask(taskId, { state: 'success' });
      expect((await h.client.describeTaskInfo(taskId)).body?.state).to.equal('success');
    });
  });

  it('the same seed gives the same faults for the same calls', async () => {
    async function pattern(): Promise<string[]> {
      const other = await startHarness({ seed: 99, faults: [{ kind: 'throttle', probability: 0.4 }] });
      try {
        const outcomes: string[] = [];
        for (let i = 0; i < 12; i += 1) {
          const result = await other.client.describeTaskInfo('T-x').then(
            () => 'ok',
            (error: unknown) => String((error as { code?: string }).code),
          );
          outcomes.push(result);
        }
        return outcomes;
      } finally {
        await other.sim.close();
      }
    }
    const first = await pattern();
    expect(first).to.include('Throttling.User');
    expect(first).to.include('ErrorTaskNotFound');
    expect(await pattern()).to.deep.equal(first);
  });
});
