import { expect } from 'chai';
import { MINUTE, T0, capacity, iso, node, planAt, record } from './helpers.js';

const VSW = ['vsw-a', 'vsw-b', 'vsw-c'];
const ZONES: Record<string, string> = { 'vsw-a': 'z-h', 'vsw-b': 'z-i', 'vsw-c': 'z-j' };

/** A finished task sent to one vSwitch whose instances joined as nodes in that vSwitch's zone. */
function delivered(vswitch: string, count: number, prefix: string) {
  const instanceIds = Array.from({ length: count }, (_, i) => `i-${prefix}-${i}`);
  const taskRecord = record({ state: 'Succeeded', taskId: `T-${prefix}`, count, vswitchIds: [vswitch], instanceIds, failedCount: 0, completionTime: iso(T0 - 60 * MINUTE) });
  const joined = instanceIds.map((id) => node(id, { instanceId: id, zone: ZONES[vswitch] ?? '' }));
  return { taskRecord, joined };
}

describe('controller/core plan: multi-AZ balancing', () => {
  it('an empty cluster: the first request goes to the first vSwitch with its water-filling share', () => {
    const decision = planAt(capacity({ vswitchIds: VSW, spec: { replicas: 6 } }), [], T0);
    expect(decision.request).to.deep.include({ vswitchIds: ['vsw-a'], count: 2 });
  });

  it('a single vSwitch: the request just carries it with the whole shortfall', () => {
    const decision = planAt(capacity({ vswitchIds: ['vsw-only'], spec: { replicas: 6 } }), [], T0);
    expect(decision.request).to.deep.include({ vswitchIds: ['vsw-only'], count: 6 });
  });

  it('successive requests fill the zones evenly (in-flight tasks count for their vSwitch)', () => {
    let resource = capacity({ vswitchIds: VSW, spec: { replicas: 6 } });
    const targets: string[] = [];
    for (let step = 0; step < 3; step += 1) {
      const decision = planAt(resource, [], T0 + step * 1000);
      targets.push(`${decision.request?.vswitchIds[0]}:${decision.request?.count}`);
      const tasks = (decision.status.tasks ?? []).map((r) => (r.state === 'Requesting' ? { ...r, state: 'Running' as const, taskId: `T-${step}` } : r));
      resource = { ...resource, status: { ...decision.status, tasks } };
    }
    expect(targets).to.deep.equal(['vsw-a:2', 'vsw-b:2', 'vsw-c:2']);
  });

  it('targets the zone with the fewest nodes (nodes attributed by task instance ids)', () => {
    const a = delivered('vsw-a', 3, 'a');
    const b = delivered('vsw-b', 1, 'b');
    const resource = capacity({ vswitchIds: VSW, spec: { replicas: 6 }, status: { tasks: [a.taskRecord, b.taskRecord] } });
    const decision = planAt(resource, [...a.joined, ...b.joined], T0);
    // loads a=3, b=1, c=0; shortfall 2 → allocation b=1, c=1; the tie goes to the emptier zone c
    expect(decision.request).to.deep.include({ vswitchIds: ['vsw-c'], count: 1 });
  });

  it('nodes without task evidence are attributed by zone through the learned map', () => {
    const a = delivered('vsw-a', 1, 'a');
    const b = delivered('vsw-b', 1, 'b');
    const c = delivered('vsw-c', 1, 'c');
    const strangers = [node('s1', { instanceId: 'i-s1', zone: 'z-h' }), node('s2', { instanceId: 'i-s2', zone: 'z-h' }), node('s3', { instanceId: 'i-s3', zone: 'z-i' })];
    const resource = capacity({ vswitchIds: VSW, spec: { replicas: 7 }, status: { tasks: [a.taskRecord, b.taskRecord, c.taskRecord] } });
    const decision = planAt(resource, [...a.joined, ...b.joined, ...c.joined, ...strangers], T0);
    expect(decision.status.vswitchZones).to.deep.equal(ZONES);
    expect(decision.request).to.deep.include({ vswitchIds: ['vsw-c'], count: 1 });
  });

  it('uses vSwitch zones learned earlier (kept in status) once the tasks are pruned', () => {
    const strangers = [node('s1', { zone: 'z-h' }), node('s2', { zone: 'z-i' })];
    const decision = planAt(capacity({ vswitchIds: VSW, spec: { replicas: 3 }, status: { vswitchZones: ZONES } }), strangers, T0);
    expect(decision.request).to.deep.include({ vswitchIds: ['vsw-c'], count: 1 });
  });

  it('keeps learned zones in status, so a restarted controller (no memory passed in) still balances', () => {
    const strangers = [node('s1', { zone: 'z-h' }), node('s2', { zone: 'z-i' })];
    const learned = planAt(capacity({ vswitchIds: VSW, spec: { replicas: 2 }, status: { vswitchZones: ZONES } }), strangers, T0);
    expect(learned.status.vswitchZones).to.deep.equal(ZONES);
    const afterRestart = planAt(capacity({ vswitchIds: VSW, spec: { replicas: 3 }, status: learned.status }), strangers, T0);
    expect(afterRestart.request).to.deep.include({ vswitchIds: ['vsw-c'], count: 1 });
  });

  it('nodes that cannot be attributed do not count for balance', () => {
    const strangers = [node('s1', { zone: 'z-h' }), node('s2', { zone: 'z-h' })];
    const decision = planAt(capacity({ vswitchIds: VSW, spec: { replicas: 5 } }), strangers, T0);
    expect(decision.request).to.deep.include({ vswitchIds: ['vsw-a'], count: 1 });
  });

  it('the per-request cap applies to the chosen vSwitch share', () => {
    const decision = planAt(capacity({ vswitchIds: ['vsw-a', 'vsw-b'], spec: { replicas: 60 } }), [], T0);
    expect(decision.request).to.deep.include({ vswitchIds: ['vsw-a'], count: 20 });
  });
});
