// reconcile(key) called directly, one step at a time, against the real kube-apiserver and the ACK
// simulator through the real SDK: what a single pass leaves in the API server and in ACK.
import { expect } from 'chai';
import { GROUP, PLURAL, VERSION, type SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import type { AckApi } from '../../../src/cloud/ack-api.js';
import { POLL_RUNNING_MS, REQUEUE_AFTER_PARTIAL_SCALE_OUT_MS } from '../../../src/controller/core/schedule.js';
import { isConflict } from '../../../src/kube/api-errors.js';
import { KubeStatusStore, type StatusStore } from '../../../src/kube/status-store.js';
import { eventually, newClusterId } from './fixture.js';
import { baseSpec, startStep, type Step } from './step-fixture.js';

describe('controller: one reconcile at a time (Reconciler.reconcile on the real API server)', function () {
  this.timeout(60_000);
  let s: Step;

  afterEach(async () => {
    await s.close();
  });

  it('persists the intent before ACK receives the call, then records the task: one call, requeue at the first poll', async () => {
    s = await startStep();
    await s.apply(baseSpec(s.clusterId, 3));
    const atCall: { status?: SandboxCapacity['status']; callsBefore?: number } = {};
    const spy = (real: AckApi): AckApi => ({
      ...real,
      describeTaskInfo: (id) => real.describeTaskInfo(id),
      describeClusterTasks: (c, p, n) => real.describeClusterTasks(c, p, n),
      async scaleOutCluster(clusterId, body) {
        // The moment the operator hands the request to the SDK: what do the API server and ACK hold?
        atCall.status = (await s.get()).status;
        atCall.callsBefore = s.scaleOutRequests().length;
        return real.scaleOutCluster(clusterId, body);
      },
    });

    const result = await s.reconcile({ api: spy });

    const intent = atCall.status?.tasks?.[0];
    expect(intent, 'an intent record in the API server when the call is made').to.include({ state: 'Requesting', count: 3 });
    expect(atCall.callsBefore, 'ACK had not been asked yet').to.equal(0);
    const calls = s.scaleOutRequests();
    expect(calls).to.have.length(1);
    expect(calls[0]).to.include({ status: 202, count: 3, intentTag: intent?.intentId });
    const after = await s.get();
    expect(after.status?.tasks).to.have.length(1);
    expect(after.status?.tasks?.[0]).to.include({ intentId: intent?.intentId, state: 'Running', count: 3 });
    expect(after.status?.tasks?.[0]?.taskId).to.match(/^T-/);
    expect(after.status?.inFlightReplicas).to.equal(3);
    expect(result).to.deep.equal({ requeueAfterMs: POLL_RUNNING_MS });
  });

  it('asks for the rest of a split shortfall a second later, and waits for joins when less than a whole request fits', async () => {
    s = await startStep({ clusters: [{ clusterId: newClusterId(), maxConcurrentScaleOuts: 3 }] });
    await s.apply({ ...baseSpec(s.clusterId, 5), limits: { maxNodesPerScaleOut: 2, maxInFlightNodes: 4 } });
    expect(await s.reconcile()).to.deep.equal({ requeueAfterMs: REQUEUE_AFTER_PARTIAL_SCALE_OUT_MS });
    expect(s.scaleOutRequests().map((c) => c.count)).to.deep.equal([2]);
    // Second step: 2 more fit under maxInFlightNodes 4. Third: 1 left, but only whole requests of 2
    // would fit in 0 headroom, so it waits for joins.
    await s.reconcile();
    expect(s.scaleOutRequests().map((c) => c.count)).to.deep.equal([2, 2]);
    const third = await s.reconcile();
    expect(s.scaleOutRequests().map((c) => c.count)).to.deep.equal([2, 2]);
    expect((await s.get()).status?.lastDecision).to.include({ action: 'Wait', reason: 'InFlightLimit' });
    expect(third.requeueAfterMs).to.be.a('number').and.at.most(POLL_RUNNING_MS);
  });

  it('cluster busy with our own task: records Refused (nothing failed, no timer), says so, and asks again only when that task ended', async () => {
    s = await startStep();
    await s.apply({ ...baseSpec(s.clusterId, 30), limits: { maxNodesPerScaleOut: 20, maxInFlightNodes: 40 } });
    await s.reconcile();
    await s.reconcile();
    const calls = s.scaleOutRequests();
    expect(calls.map((c) => [c.count, c.status])).to.deep.equal([[20, 202], [10, 400]]);
    const first = await expectRefusedWhileOwnTaskRuns(s);

    // While that task runs, steps ask for nothing, whatever time passes.
    await s.reconcile();
    expect(s.scaleOutRequests()).to.have.length(2);
    // It ends and its nodes join: the next step polls it, folds the success, and asks for the 10.
    s.sim.control.finishTask(first, { state: 'success' });
    await eventuallyNodes(s, 20);
    await s.reconcile();
    expect(s.scaleOutRequests().map((c) => [c.count, c.status])).to.deep.equal([[20, 202], [10, 400], [10, 202]]);
  });

  it('buys nothing and writes nothing when the lease is already lost', async () => {
    s = await startStep();
    await s.apply(baseSpec(s.clusterId, 2));
    s.fence.leading = false;
    expect(await s.reconcile()).to.deep.equal({ requeue: true });
    // Reads may happen (the first look at ACK's task list); the fence guards every purchase.
    expect(s.scaleOutRequests()).to.have.length(0);
    expect((await s.get()).status ?? {}).to.deep.equal({});
  });

  it('leaves the intent for the next leader when the lease is lost after writing it, and the next leader never calls blindly', async () => {
    s = await startStep();
    await s.apply(baseSpec(s.clusterId, 2));
    // The lease is lost while this replica waits for the token of its ScaleOutCluster call (the one
    // taken once the intent is in the API server; earlier tokens are the first look's reads).
    const loseLeaseAtTheCall = async (): Promise<void> => {
      if ((await s.get()).status?.tasks?.some((t) => t.state === 'Requesting') === true) s.fence.leading = false;
    };
    await s.reconcile({ budget: (real) => ({ acquire: async () => { await real.acquire(); await loseLeaseAtTheCall(); } }) });
    expect(s.scaleOutRequests()).to.have.length(0);
    const left = await s.get();
    expect(left.status?.tasks?.[0]).to.include({ state: 'Requesting', count: 2 });

    // The next leader: the outcome is unknown, so it looks in ACK's task list and requests nothing.
    s.fence.leading = true;
    const before = s.sim.control.requests({ action: 'DescribeClusterTasks' }).length;
    await s.reconcile();
    expect(s.scaleOutRequests()).to.have.length(0);
    expect(s.sim.control.requests({ action: 'DescribeClusterTasks' })).to.have.length(before + 1);
    expect((await s.get()).status?.lastDecision).to.include({ action: 'Wait', reason: 'OutcomeUnknown' });
  });

  it('re-folds the answer into the fresh object when the result write conflicts (kubectl scale meanwhile): one call, nothing lost', async () => {
    s = await startStep();
    await s.apply(baseSpec(s.clusterId, 2));
    let writes = 0;
    let conflicts = 0;
    const racing = (real: StatusStore): StatusStore => ({
      readFresh: (ns, name) => real.readFresh(ns, name),
      writeFinalizers: (current, finalizers) => real.writeFinalizers(current, finalizers),
      async write(current, status) {
        writes += 1;
        try {
          return await real.write(current, status);
        } catch (err) {
          if (isConflict(err)) conflicts += 1;
          throw err;
        } finally {
          // Right after the intent write, someone scales the resource: the next write is stale.
          if (writes === 1) await scale(s, 4);
        }
      },
    });

    await s.reconcile({ store: racing });

    expect(conflicts, 'the result write met a 409').to.equal(1);
    expect(s.scaleOutRequests(), 'still exactly one ScaleOutCluster').to.have.length(1);
    const after = await s.get();
    expect(after.spec.replicas, 'the concurrent change is kept').to.equal(4);
    expect(after.status?.tasks).to.have.length(1);
    expect(after.status?.tasks?.[0]).to.include({ state: 'Running', count: 2 });
    expect(after.status?.tasks?.[0]?.taskId).to.match(/^T-/);
  });

  it('reads no Secret and calls nothing for a resource that has what it wants', async () => {
    s = await startStep();
    await s.apply(baseSpec(s.clusterId, 0));
    let secretReads = 0;
    const result = await s.reconcile({ secrets: (real) => ({ read: (ns, name) => { secretReads += 1; return real.read(ns, name); } }) });
    expect(result).to.deep.equal({});
    expect(secretReads).to.equal(0);
    expect(s.sim.control.requests()).to.have.length(0);
    expect((await s.get()).status?.lastDecision).to.include({ action: 'NoOp', reason: 'NodesReady' });
  });

  it('a Secret gone when the request is due: stalls with SecretNotFound, calls nothing, looks again within a minute', async () => {
    s = await startStep();
    await s.apply({ ...baseSpec(s.clusterId, 2), credentials: { secretRef: { name: 'missing' } } });
    const result = await s.reconcile();
    expect(s.sim.control.requests()).to.have.length(0);
    const after = await s.get();
    expect(after.status?.tasks ?? []).to.have.length(0);
    expect(after.status?.conditions?.find((c) => c.type === 'Stalled')).to.include({ status: 'True', reason: 'SecretNotFound' });
    expect(result.requeueAfterMs).to.be.a('number').and.at.most(60_000);
  });

  it('a Secret found missing while the intent is written (the two overlap): the intent is withdrawn, nothing is called, the next pass writes none', async () => {
    s = await startStep();
    await s.apply({ ...baseSpec(s.clusterId, 2), credentials: { secretRef: { name: 'missing' } } });
    // ACK's task list was read before, so nothing is due before the plan and the Secret is first read
    // when the request is: in parallel with the intent write.
    await new KubeStatusStore(s.objects).write(await s.get(), { ledgerCheckedAt: new Date().toISOString() });
    const written: { tasks: number; requesting: boolean }[] = [];
    const recording = (real: StatusStore): StatusStore => ({
      readFresh: (n, m) => real.readFresh(n, m),
      writeFinalizers: (c, f) => real.writeFinalizers(c, f),
      write: async (c, status) => {
        written.push({ tasks: status.tasks?.length ?? 0, requesting: status.tasks?.some((t) => t.state === 'Requesting') === true });
        return real.write(c, status);
      },
    });
    await s.reconcile({ store: recording });
    expect(written.map((w) => w.requesting)).to.deep.equal([true, false]);
    expect(s.sim.control.requests()).to.have.length(0);
    const after = await s.get();
    expect(after.status?.tasks ?? []).to.have.length(0);
    expect(after.status?.conditions?.find((c) => c.type === 'Stalled')).to.include({ status: 'True', reason: 'SecretNotFound' });

    // Stalled on it now: the next pass reads the Secret first and writes no intent.
    written.length = 0;
    await s.reconcile({ store: recording });
    expect(written.some((w) => w.requesting)).to.equal(false);
    expect(s.sim.control.requests()).to.have.length(0);
  });
});

/** The refused record, the status and the BackingOff Event all say: nothing failed, waiting for our task. Returns that task's id. */
async function expectRefusedWhileOwnTaskRuns(s: Step): Promise<string> {
  const refused = await s.get();
  expect(refused.status?.tasks?.find((t) => t.count === 10)).to.include({ state: 'Refused' }).and.not.have.any.keys('failedCount', 'instanceIds');
  expect(refused.status?.consecutiveFailures ?? 0).to.equal(0);
  expect(refused.status?.nextRetryTime ?? null).to.equal(null);
  const taskId = s.sim.control.listTasks(s.clusterId)[0]?.taskId ?? '';
  const backingOff = (await s.core.listNamespacedEvent({ namespace: s.ns })).items.filter((e) => e.reason === 'BackingOff');
  expect(backingOff.map((e) => e.message)).to.deep.equal([refused.status?.lastDecision?.message]);
  expect(backingOff[0]?.message).to.contain(taskId).and.contain('next request when it ends');
  return taskId;
}

async function eventuallyNodes(s: Step, count: number): Promise<void> {
  await eventually(`${count} Nodes of the cluster`, async () => (await s.core.listNode({ labelSelector: `ack.aliyun.com=${s.clusterId}` })).items.length >= count || undefined);
}

async function scale(s: Step, replicas: number): Promise<void> {
  await s.objects.patchNamespacedCustomObject(
    { group: GROUP, version: VERSION, namespace: s.ns, plural: PLURAL, name: 'workers', body: [{ op: 'replace', path: '/spec/replicas', value: replicas }] },
  );
}
