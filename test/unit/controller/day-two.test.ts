// What an operator of the operator needs after the first week: retry now without a spec edit, a fixed
// AccessKey picked up on its own, a deleted Node explained, and counts that read as English.
import { expect } from 'chai';
import { RETRY_ANNOTATION, type SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import type { CloudErrorInfo } from '../../../src/cloud/ack-api.js';
import { CREDENTIALS_RECHECK_MS } from '../../../src/controller/core/failures.js';
import { recordScaleOutFailed } from '../../../src/controller/core/outcomes.js';
import { EventReason, Reason } from '../../../src/controller/core/reasons.js';
import { SECOND, T0, capacity, conditionOf, constantRandom, node, planAt, withStatus } from './helpers.js';

const refusal = (kind: CloudErrorInfo['kind'], code: string): CloudErrorInfo => ({ kind, code, message: `${code}: refused` });

/** A resource stalled by a refusal of kind `kind` at T0 (no retry before T0 + backoff.max = 10 min). */
function stalledBy(kind: CloudErrorInfo['kind'], code: string, resource: SandboxCapacity = capacity({ spec: { replicas: 2 } })): SandboxCapacity {
  const first = planAt(resource, [], T0);
  const refused = recordScaleOutFailed(withStatus(resource, first.status), first.request?.intentId ?? '', refusal(kind, code), T0, constantRandom(0));
  return withStatus(resource, refused.status);
}

function annotated(resource: SandboxCapacity, value: string): SandboxCapacity {
  return { ...resource, metadata: { ...resource.metadata, annotations: { [RETRY_ANNOTATION]: value } } };
}

describe('controller/core day two', () => {
  describe('retry now, without editing the spec', () => {
    it('a new value of the retry annotation lifts a stall at once, and is remembered', () => {
      const stalled = stalledBy('invalidRequest', 'InvalidParameter');
      expect(planAt(stalled, [], T0 + 5 * SECOND).request).to.equal(undefined);
      const retried = planAt(annotated(stalled, '2026-11-26T10:00:05Z'), [], T0 + 5 * SECOND);
      expect(retried.request?.count).to.equal(2);
      expect(retried.status.lastRetryRequest).to.equal('2026-11-26T10:00:05Z');
    });

    it('the same annotation value does not lift the next stall again', () => {
      const once = annotated(stalledBy('invalidRequest', 'InvalidParameter'), 'r1');
      const retried = planAt(once, [], T0 + 5 * SECOND);
      const refusedAgain = recordScaleOutFailed(withStatus(once, retried.status), retried.request?.intentId ?? '', refusal('invalidRequest', 'InvalidParameter'), T0 + 6 * SECOND, constantRandom(0));
      expect(planAt(withStatus(once, refusedAgain.status), [], T0 + 10 * SECOND).request).to.equal(undefined);
    });

    it('the stall message says how to retry', () => {
      const stalled = stalledBy('invalidRequest', 'InvalidParameter');
      expect(conditionOf(stalled.status ?? {}, 'Stalled').message).to.contain(`when annotated ${RETRY_ANNOTATION}=<now>`).and.contain('when the spec changes');
    });
  });

  describe('a fixed AccessKey is picked up without a spec edit', () => {
    const withSecret = capacity({ spec: { replicas: 2, credentials: { secretRef: { name: 'ack-ak' } } } });

    it('an AuthenticationFailed stall names the Secret and says it is re-read', () => {
      const first = planAt(withSecret, [], T0, { credentialsVersion: '100' });
      const refused = recordScaleOutFailed(withStatus(withSecret, first.status), first.request?.intentId ?? '', refusal('auth', 'InvalidAccessKeyId.NotFound'), T0, constantRandom(0));
      const stalled = conditionOf(refused.status, 'Stalled');
      expect(stalled.reason).to.equal(Reason.AuthenticationFailed);
      expect(stalled.message).to.contain('spec.credentials.secretRef sandbox-system/ack-ak').and.contain('within 30 s of a change to that Secret');
      expect(refused.status.credentialsVersion).to.equal('100');
    });

    it('the same Secret version keeps the stall, and it is looked at again within 30 s; a new one lifts it', () => {
      const first = planAt(withSecret, [], T0, { credentialsVersion: '100' });
      const refused = recordScaleOutFailed(withStatus(withSecret, first.status), first.request?.intentId ?? '', refusal('auth', 'SignatureDoesNotMatch'), T0, constantRandom(0));
      const stalled = withStatus(withSecret, refused.status);
      const same = planAt(stalled, [], T0 + 10 * SECOND, { credentialsVersion: '100' });
      expect(same.request).to.equal(undefined);
      expect(same.requeueAfterMs).to.equal(CREDENTIALS_RECHECK_MS);
      const fixed = planAt(stalled, [], T0 + 20 * SECOND, { credentialsVersion: '101' });
      expect(fixed.request?.count).to.equal(2);
      expect(fixed.status.credentialsVersion).to.equal('101');
    });

    it('other stalls are not lifted by a Secret change', () => {
      const stalled = stalledBy('quota', 'QuotaExceeded.Nodes', withSecret);
      expect(planAt(stalled, [], T0 + 10 * SECOND, { credentialsVersion: 'new' }).request).to.equal(undefined);
    });
  });

  it('a deleted Node is named in an Event saying a replacement is requested', () => {
    const resource = capacity({ spec: { replicas: 2 } });
    const decision = planAt(resource, [node('n-1', { instanceId: 'i-1' })], T0, { goneNodes: [{ name: 'n-2', instanceId: 'i-2' }] });
    const [gone] = decision.events.filter((e) => e.reason === EventReason.NodeDisappeared);
    expect(gone?.message).to.equal('Node n-2 (instance i-2) disappeared; 1 of 2 nodes left, requesting 1 replacement node');
    expect(decision.request?.count).to.equal(1);
  });

  it('counts read as English: 1 node, 1 surplus node', () => {
    const one = planAt(capacity({ spec: { replicas: 1 } }), [], T0);
    expect(one.status.lastDecision?.message).to.equal('requesting 1 node in vsw-aaa (0 of 1 node present, 0 in flight, shortfall 1)');
    const surplus = planAt(capacity({ spec: { replicas: 1 } }), [node('a'), node('b')], T0);
    expect(surplus.status.lastDecision?.message).to.equal('2 nodes match, 1 desired: 1 surplus node is reported, never removed');
  });
});
