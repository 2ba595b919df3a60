import { CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { API_VERSION, GROUP, KIND, PLURAL, VERSION, type SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { createKubeClients } from '../../../src/kube/clients.js';
import { EventRecorder } from '../../../src/kube/event-recorder.js';
import type { InvolvedObject } from '../../../src/kube/event-dedup.js';
import { createTestNamespace, testbed } from '../../support/testbed.js';
import { captureLogger } from '../../unit/kube/helpers.js';
import { kubeConfigWithServer } from './helpers.js';

describe('EventRecorder (against a real API server)', () => {
  async function createSandboxCapacity(namespace: string): Promise<InvolvedObject> {
    const created = (await createKubeClients(testbed().kubeConfig).customObjects.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      body: {
        apiVersion: API_VERSION,
        kind: KIND,
        metadata: { name: 'workers', namespace },
        spec: {
          clusterId: 'c82e6987e2961451182edacd74faf0000',
          regionId: 'cn-hangzhou',
          replicas: 3,
          scaleOut: { vswitchIds: ['vsw-a'], instanceTypes: ['ecs.ebmg5s.24xlarge'], keyPair: 'ops-key' },
        },
      },
    })) as SandboxCapacity;
    return { apiVersion: API_VERSION, kind: KIND, name: created.metadata.name, namespace, uid: created.metadata.uid ?? '' };
  }

  it('aggregates repeats into one Event whose count kubectl describe shows', async () => {
    const ns = await createTestNamespace('events');
    const sbc = await createSandboxCapacity(ns);
    const recorder = new EventRecorder({ core: createKubeClients(testbed().kubeConfig).core, logger: captureLogger().logger });
    for (let i = 0; i < 3; i++) await recorder.warning(sbc, 'BackingOff', 'ScaleOutCluster throttled; retrying in 10s');
    await recorder.normal(sbc, 'ScaleOutRequested', 'requested 3 nodes (task T-1)');

    const events = await testbed().kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns, fieldSelector: `involvedObject.uid=${sbc.uid}` });
    const byReason = new Map(events.items.map((e) => [e.reason, e]));
    expect(events.items).to.have.length(2);
    expect(byReason.get('BackingOff')).to.deep.include({ count: 3, type: 'Warning', reportingComponent: 'sandbox-capacity-operator' });
    expect(byReason.get('ScaleOutRequested')?.count).to.equal(1);

    const { stdout } = await testbed().kubectl(['describe', 'sandboxcapacity', 'workers', '-n', ns]);
    const eventsSection = stdout.slice(stdout.indexOf('Events:'));
    expect(eventsSection).to.match(/Warning\s+BackingOff\s+.*\(x3 over .*\)\s+sandbox-capacity-operator\s+ScaleOutCluster throttled; retrying in 10s/);
    expect(eventsSection).to.match(/Normal\s+ScaleOutRequested\s+.*sandbox-capacity-operator\s+requested 3 nodes \(task T-1\)/);
  });

  it('stores long messages cut to 1 KiB', async () => {
    const ns = await createTestNamespace('events');
    const sbc = await createSandboxCapacity(ns);
    const recorder = new EventRecorder({ core: createKubeClients(testbed().kubeConfig).core, logger: captureLogger().logger });
    await recorder.warning(sbc, 'ScaleOutFailed', `ACK said: ${'very long diagnostic '.repeat(200)}`);
    const events = await testbed().kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns });
    expect(Buffer.byteLength(events.items[0]?.message ?? '')).to.equal(1024);
  });

  it('logs instead of throwing when the API server cannot be reached', async () => {
    const unreachable = kubeConfigWithServer(testbed().kubeConfig, 'https://127.0.0.1:1');
    const { logger, logs } = captureLogger();
    const recorder = new EventRecorder({ core: createKubeClients(unreachable, { requestTimeoutMs: 2_000 }).core, logger });
    await recorder.normal({ apiVersion: API_VERSION, kind: KIND, name: 'x', namespace: 'default' }, 'ScaleOutRequested', 'm');
    expect(logs.some((l) => l.level === 'warn' && l.message === 'could not record event')).to.equal(true);
  });
});
