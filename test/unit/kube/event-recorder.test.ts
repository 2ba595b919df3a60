import { ApiException, type CoreV1Api, type CoreV1Event } from '@kubernetes/client-node';
import { expect } from 'chai';
import { EventRecorder } from '../../../src/kube/event-recorder.js';
import type { InvolvedObject } from '../../../src/kube/event-dedup.js';
import { FakeClock } from '../../../src/kube/fake-clock.js';
import { captureLogger } from './helpers.js';

/** Stores Events like the API server (create refuses existing names, patch needs an existing one). */
class FakeEventsApi {
  readonly events = new Map<string, CoreV1Event>();
  failNext: Error | undefined;
  calls: string[] = [];

  createNamespacedEvent(param: { namespace: string; body: CoreV1Event }): Promise<CoreV1Event> {
    this.calls.push('create');
    return this.run(() => {
      const key = `${param.namespace}/${param.body.metadata.name ?? ''}`;
      if (this.events.has(key)) throw new ApiException(409, 'AlreadyExists', '{"reason":"AlreadyExists"}', {});
      this.events.set(key, structuredClone(param.body));
      return param.body;
    });
  }

  patchNamespacedEvent(param: { name: string; namespace: string; body: { path: string; value: unknown }[] }): Promise<CoreV1Event> {
    this.calls.push('patch');
    return this.run(() => {
      const event = this.events.get(`${param.namespace}/${param.name}`);
      if (!event) throw new ApiException(404, 'NotFound', '{"reason":"NotFound"}', {});
      for (const op of param.body) {
        if (op.path === '/count') event.count = op.value as number;
        if (op.path === '/lastTimestamp') event.lastTimestamp = new Date(op.value as string);
      }
      return event;
    });
  }

  private run(fn: () => CoreV1Event): Promise<CoreV1Event> {
    const failure = this.failNext;
    this.failNext = undefined;
    return new Promise((resolve) => {
      if (failure) throw failure;
      resolve(fn());
    });
  }
}

const sbc: InvolvedObject = { apiVersion: 'capacity.sandbox.dev/v1alpha1', kind: 'SandboxCapacity', name: 'w', namespace: 'ns', uid: 'u1' };

describe('EventRecorder (with a fake Events API)', () => {
  let clock: FakeClock;
  let api: FakeEventsApi;
  let recorder: EventRecorder;
  let logs: ReturnType<typeof captureLogger>['logs'];

  beforeEach(() => {
    clock = new FakeClock();
    api = new FakeEventsApi();
    const captured = captureLogger();
    logs = captured.logs;
    recorder = new EventRecorder({ core: api as unknown as CoreV1Api, logger: captured.logger, clock, instance: 'pod-1', dedupWindowMs: 60_000 });
  });

  it('creates an Event describing the object, with the reporting component', async () => {
    await recorder.normal(sbc, 'ScaleOutRequested', 'requested 3 nodes');
    const [event] = [...api.events.values()];
    expect(event).to.deep.include({
      type: 'Normal',
      reason: 'ScaleOutRequested',
      message: 'requested 3 nodes',
      count: 1,
      reportingComponent: 'sandbox-capacity-operator',
      reportingInstance: 'pod-1',
      source: { component: 'sandbox-capacity-operator' },
    });
    expect(event?.involvedObject).to.deep.equal({ apiVersion: sbc.apiVersion, kind: sbc.kind, name: 'w', namespace: 'ns', uid: 'u1' });
    expect(event?.metadata.namespace).to.equal('ns');
  });

  it('aggregates repeats within the window into one Event with a growing count and lastTimestamp', async () => {
    await recorder.warning(sbc, 'BackingOff', 'retry in 10s');
    clock.advance(30_000);
    await recorder.warning(sbc, 'BackingOff', 'retry in 10s');
    clock.advance(30_000);
    await recorder.warning(sbc, 'BackingOff', 'retry in 10s');
    expect(api.events.size).to.equal(1);
    const [event] = [...api.events.values()];
    expect(event?.count).to.equal(3);
    expect(event?.lastTimestamp?.getTime()).to.equal(clock.now());
    expect(event?.firstTimestamp?.getTime()).to.equal(clock.now() - 60_000);
  });

  it('starts a new Event when the last repeat is older than the window, or the message differs', async () => {
    await recorder.warning(sbc, 'BackingOff', 'a');
    clock.advance(60_001);
    await recorder.warning(sbc, 'BackingOff', 'a');
    await recorder.warning(sbc, 'BackingOff', 'b');
    expect(api.events.size).to.equal(3);
  });

  it('creates a new Event when the aggregated one is gone (expired by TTL)', async () => {
    await recorder.normal(sbc, 'R', 'm');
    api.events.clear();
    await recorder.normal(sbc, 'R', 'm');
    expect(api.calls).to.deep.equal(['create', 'patch', 'create']);
    expect([...api.events.values()][0]?.count).to.equal(1);
  });

  it('applies concurrent repeats one after another (one create, then patches)', async () => {
    await Promise.all([recorder.normal(sbc, 'R', 'm'), recorder.normal(sbc, 'R', 'm'), recorder.normal(sbc, 'R', 'm')]);
    expect(api.calls).to.deep.equal(['create', 'patch', 'patch']);
    expect([...api.events.values()][0]?.count).to.equal(3);
  });

  it('logs failures instead of throwing, and keeps recording afterwards', async () => {
    api.failNext = new ApiException(403, 'Forbidden', '{"message":"events is forbidden"}', {});
    await recorder.normal(sbc, 'R', 'm');
    expect(logs.some((l) => l.level === 'warn' && String(l.meta.error).includes('403'))).to.equal(true);
    await recorder.normal(sbc, 'R', 'm');
    expect(api.events.size).to.equal(1);
  });

  it('truncates long messages to 1 KiB', async () => {
    await recorder.normal(sbc, 'R', 'x'.repeat(3000));
    expect(Buffer.byteLength([...api.events.values()][0]?.message ?? '')).to.equal(1024);
  });

  it('forgets the least recently seen events beyond its tracking limit', async () => {
    const small = new EventRecorder({ core: api as unknown as CoreV1Api, logger: captureLogger().logger, clock, maxTrackedEvents: 2 });
    await small.normal(sbc, 'R', 'one');
    await small.normal(sbc, 'R', 'two');
    await small.normal(sbc, 'R', 'three');
    await small.normal(sbc, 'R', 'one');
    expect(api.calls).to.deep.equal(['create', 'create', 'create', 'create']);
  });
});
