import { expect } from 'chai';
import type { SandboxCapacity } from '../../../src/api/sandbox-capacity.js';
import { isConverged, renderCapacity, renderDeleted } from '../../../src/demo/live-view.js';

function sc(status: SandboxCapacity['status'], replicas = 3): SandboxCapacity {
  return { apiVersion: 'capacity.sandbox.dev/v1alpha1', kind: 'SandboxCapacity', metadata: { name: 'w', namespace: 'n' }, spec: { replicas, clusterId: 'c1', paused: false }, status } as SandboxCapacity;
}
const ready = (s: 'True' | 'False') => ({ type: 'Ready', status: s, reason: 'R', message: 'm', lastTransitionTime: '2026-01-01T00:00:00Z' });

describe('demo live view', () => {
  it('calls a resource converged only when Ready, nothing in flight and enough ready nodes', () => {
    expect(isConverged(sc({ readyReplicas: 3, inFlightReplicas: 0, conditions: [ready('True')] }))).to.equal(true);
    expect(isConverged(sc({ readyReplicas: 3, inFlightReplicas: 1, conditions: [ready('True')] }))).to.equal(false);
    expect(isConverged(sc({ readyReplicas: 2, inFlightReplicas: 0, conditions: [ready('True')] }))).to.equal(false);
    expect(isConverged(sc({ readyReplicas: 3, inFlightReplicas: 0, conditions: [ready('False')] }))).to.equal(false);
  });

  it('shows desired, live, ready, in-flight, tasks and conditions', () => {
    const view = renderCapacity(sc({ replicas: 1, readyReplicas: 1, inFlightReplicas: 2, tasks: [{ intentId: 'x', taskId: 'T-1', count: 2, state: 'Running', startTime: 't' }], conditions: [ready('False')] }), 4);
    expect(view.header).to.equal('n/w  (cluster c1, 4s)');
    const lines = view.body.join('\n');
    expect(lines).to.include('desired 3   live 1   ready 1   in-flight 2');
    expect(lines).to.include('task T-1  Running');
    expect(lines).to.include('Ready       False R: m');
  });

  it('shows the node pool as last read and the size last written, answered or not', () => {
    const pool = { nodepoolId: 'np-1', desiredSize: 3, state: 'scaling', totalNodes: 1, healthyNodes: 1, initialNodes: 2, failedNodes: 0, observedTime: 't' };
    const written = renderCapacity(sc({ nodePool: { ...pool, lastWrite: { desiredSize: 3, taskId: 'T-9', time: 't' } } }), 1).body.join('\n');
    expect(written).to.include('node pool np-1  scaling  desired 3  total 1  healthy 1   last write 3 (task T-9)');
    const unanswered = renderCapacity(sc({ nodePool: { ...pool, lastWrite: { desiredSize: 3, time: 't' } } }), 1).body.join('\n');
    expect(unanswered).to.include('last write 3 (task not yet answered)');
    expect(renderCapacity(sc({}), 1).body.join('\n')).to.not.include('node pool');
  });

  it('says a deleted resource is deleted and how to apply it again', () => {
    const view = renderDeleted({ namespace: 'n', name: 'w' }, '/repo/examples/minimal.yaml', 12);
    expect(view.header).to.equal('n/w  (12s)');
    expect(view.body.join('\n')).to.include('deleted — kubectl apply it again').and.include('kubectl apply -f /repo/examples/minimal.yaml');
  });
});
