import { expect } from 'chai';
import type { TaskRecord } from '../../../src/api/sandbox-capacity.js';
import { countNodes, inFlightOf, joinedInstanceIds } from '../../../src/controller/core/counting.js';
import { MINUTE, T0, at, capacity, iso, node, nodes, planAt, record } from './helpers.js';

const GRACE = 10 * MINUTE;

describe('controller/core counting', () => {
  describe('live nodes', () => {
    it('replicas = nodes not being deleted; readyReplicas = those Ready', () => {
      const observed = [...nodes(3, 'a'), node('b', { ready: false }), node('c', { deleting: true }), node('d', { deleting: true, ready: false })];
      expect(countNodes(observed)).to.deep.equal({ replicas: 4, readyReplicas: 3 });
    });

    it('counts zero for no nodes', () => {
      expect(countNodes([])).to.deep.equal({ replicas: 0, readyReplicas: 0 });
    });

    it('joined instance ids include deleting nodes and skip nodes without a provider id', () => {
      const ids = joinedInstanceIds([node('a', { instanceId: 'i-a' }), node('b', { instanceId: 'i-b', deleting: true }), node('c')]);
      expect([...ids].sort()).to.deep.equal(['i-a', 'i-b']);
    });
  });

  describe('in flight per task record', () => {
    const joined = new Set(['i-1', 'i-2']);
    const now = at(5 * MINUTE);
    const cases: { name: string; record: TaskRecord; expected: number }[] = [
      { name: 'Requesting counts its whole count', record: record({ state: 'Requesting', count: 4 }), expected: 4 },
      { name: 'running counts its whole count when nothing joined', record: record({ state: 'Running', count: 3, taskId: 'T-1' }), expected: 3 },
      {
        name: 'running minus the nodes it already delivered',
        record: record({ state: 'Running', count: 3, taskId: 'T-1', instanceIds: ['i-1', 'i-9'] }),
        expected: 2,
      },
      { name: 'timedOut keeps counting (never double-buy bare metal)', record: record({ state: 'TimedOut', count: 5, taskId: 'T-1' }), expected: 5 },
      {
        name: 'success within grace: instances not yet joined',
        record: record({ state: 'Succeeded', count: 3, instanceIds: ['i-1', 'i-2', 'i-3'], failedCount: 0, completionTime: iso(at(MINUTE)) }),
        expected: 1,
      },
      {
        name: 'success within grace, all joined: nothing',
        record: record({ state: 'Succeeded', count: 2, instanceIds: ['i-1', 'i-2'], failedCount: 0, completionTime: iso(at(MINUTE)) }),
        expected: 0,
      },
      {
        name: 'success after the grace period, not joined: unjoined instances keep their place',
        record: record({ state: 'Succeeded', count: 3, instanceIds: ['i-7', 'i-8', 'i-9'], failedCount: 0, completionTime: iso(T0 - GRACE) }),
        expected: 3,
      },
      {
        name: 'unjoined instances ACK released stop counting',
        record: record({ state: 'Succeeded', count: 3, instanceIds: ['i-7', 'i-8', 'i-9'], releasedInstanceIds: ['i-8'], failedCount: 0, completionTime: iso(T0 - GRACE) }),
        expected: 2,
      },
      {
        name: 'partially failed within grace: only its created instances not yet joined',
        record: record({ state: 'Failed', count: 5, instanceIds: ['i-1', 'i-4'], failedCount: 3, completionTime: iso(at(MINUTE)) }),
        expected: 1,
      },
      {
        name: 'fully failed: nothing',
        record: record({ state: 'Failed', count: 5, instanceIds: [], failedCount: 5, completionTime: iso(at(MINUTE)) }),
        expected: 0,
      },
      {
        name: 'success without instance ids: all presumed coming within grace',
        record: record({ state: 'Succeeded', count: 2, instanceIds: [], failedCount: 0, completionTime: iso(at(MINUTE)) }),
        expected: 2,
      },
      { name: 'abandoned: nothing', record: record({ state: 'Abandoned', count: 4 }), expected: 0 },
      { name: 'finished without completionTime: its instances not yet joined', record: record({ state: 'Succeeded', count: 2, instanceIds: ['i-8', 'i-9'] }), expected: 2 },
    ];
    for (const { name, record: taskRecord, expected } of cases) {
      it(name, () => {
        expect(inFlightOf(taskRecord, joined)).to.equal(expected);
      });
    }

    it('status.inFlightReplicas sums over records', () => {
      const records = [record({ state: 'Requesting', count: 2 }), record({ state: 'Running', count: 3, taskId: 'T' }), record({ state: 'Abandoned', count: 9 })];
      expect(planAt(capacity({ spec: { replicas: 20 }, status: { tasks: records } }), [], now).status.inFlightReplicas).to.equal(5);
    });

    it('a duplicated instance id is counted once', () => {
      const taskRecord = record({ state: 'Running', count: 2, taskId: 'T', instanceIds: ['i-1', 'i-1'] });
      expect(inFlightOf(taskRecord, joined)).to.equal(1);
    });
  });
});

describe('controller/core joined-then-deleted nodes', () => {
  it('a finished task\'s node that joined and was deleted is not "still joining": one replacement is requested at once', async () => {
    const { capacity, planAt, withStatus } = await import('./helpers.js');
    const done = record({ state: 'Succeeded', count: 2, taskId: 'T-1', instanceIds: ['i-1', 'i-2'], completionTime: iso(T0) });
    const both = [node('n1', { instanceId: 'i-1' }), node('n2', { instanceId: 'i-2' })];
    const first = planAt(withStatus(capacity({ spec: { replicas: 2 } }), { tasks: [done] }), both, at(MINUTE));
    expect(first.request).to.equal(undefined);
    expect(first.status.tasks?.[0]?.joinedInstanceIds).to.deep.equal(['i-1', 'i-2']);
    // n2 is deleted and gone from the API server, well within the join grace period.
    const second = planAt(withStatus(capacity({ spec: { replicas: 2 } }), first.status), [both[0]!], at(2 * MINUTE));
    // In flight now: only the replacement just decided, not the deleted node.
    expect(second.status.inFlightReplicas).to.equal(1);
    expect(second.request?.count).to.equal(1);
  });

  it('remembering joins is idempotent', async () => {
    const { rememberJoined } = await import('../../../src/controller/core/counting.js');
    const r = record({ state: 'Succeeded', count: 2, instanceIds: ['i-1', 'i-2'], joinedInstanceIds: ['i-1'] });
    const once = rememberJoined(r, new Set(['i-1', 'i-2']));
    expect(once.joinedInstanceIds).to.deep.equal(['i-1', 'i-2']);
    expect(rememberJoined(once, new Set(['i-1', 'i-2']))).to.equal(once);
    expect(inFlightOf(once, new Set())).to.equal(0);
  });
});
