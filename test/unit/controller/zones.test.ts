import { expect } from 'chai';
import { chooseTarget, learnVSwitchZones, vswitchLoads, waterFill } from '../../../src/controller/core/zones.js';
import { node, record } from './helpers.js';

const VSW = ['vsw-a', 'vsw-b', 'vsw-c'];

describe('controller/core zones', () => {
  describe('water-filling', () => {
    const cases: { loads: number[]; amount: number; allocation: number[] }[] = [
      { loads: [0, 0, 0], amount: 3, allocation: [1, 1, 1] },
      { loads: [0, 0, 0], amount: 4, allocation: [2, 1, 1] },
      { loads: [2, 0, 1], amount: 3, allocation: [0, 2, 1] },
      { loads: [5, 0, 0], amount: 4, allocation: [0, 2, 2] },
      { loads: [5, 0, 0], amount: 13, allocation: [1, 6, 6] },
      { loads: [1, 1], amount: 1, allocation: [1, 0] },
      { loads: [3], amount: 2, allocation: [2] },
      { loads: [0, 0], amount: 0, allocation: [0, 0] },
    ];
    for (const { loads, amount, allocation } of cases) {
      it(`loads ${JSON.stringify(loads)} + ${amount} → ${JSON.stringify(allocation)}`, () => {
        expect(waterFill(loads, amount)).to.deep.equal(allocation);
      });
    }

    it('targets the vSwitch with the largest allocation, ties by lower load then spec order', () => {
      expect(chooseTarget(VSW, [3, 1, 0], 2)).to.deep.equal({ vswitchId: 'vsw-c', allocation: 1 });
      expect(chooseTarget(VSW, [0, 0, 0], 4)).to.deep.equal({ vswitchId: 'vsw-a', allocation: 2 });
      expect(chooseTarget(VSW, [2, 0, 1], 3)).to.deep.equal({ vswitchId: 'vsw-b', allocation: 2 });
      expect(chooseTarget(VSW, [1, 1, 0], 1)).to.deep.equal({ vswitchId: 'vsw-c', allocation: 1 });
      expect(chooseTarget(VSW, [0, 0, 0], 0)).to.equal(undefined);
    });
  });

  describe('learning vSwitch zones', () => {
    it('learns from nodes whose instance belongs to a single-vSwitch task', () => {
      const tasks = [record({ state: 'Succeeded', vswitchIds: ['vsw-a'], instanceIds: ['i-1', 'i-2'] }), record({ state: 'Succeeded', vswitchIds: ['vsw-b'], instanceIds: ['i-3'] })];
      const observed = [node('n1', { instanceId: 'i-1', zone: 'z-h' }), node('n2', { instanceId: 'i-2', zone: 'z-h' }), node('n3', { instanceId: 'i-3', zone: 'z-i' })];
      expect(learnVSwitchZones(tasks, observed, VSW)).to.deep.equal({ 'vsw-a': 'z-h', 'vsw-b': 'z-i' });
    });

    it('the majority zone wins when evidence conflicts', () => {
      const tasks = [record({ state: 'Succeeded', vswitchIds: ['vsw-a'], instanceIds: ['i-1', 'i-2', 'i-3'] })];
      const observed = [node('1', { instanceId: 'i-1', zone: 'z-x' }), node('2', { instanceId: 'i-2', zone: 'z-h' }), node('3', { instanceId: 'i-3', zone: 'z-h' })];
      expect(learnVSwitchZones(tasks, observed, VSW)['vsw-a']).to.equal('z-h');
    });

    it('ignores tasks sent to several vSwitches or to an unconfigured one', () => {
      const tasks = [record({ state: 'Succeeded', vswitchIds: ['vsw-a', 'vsw-b'], instanceIds: ['i-1'] }), record({ state: 'Succeeded', vswitchIds: ['vsw-old'], instanceIds: ['i-2'] })];
      const observed = [node('1', { instanceId: 'i-1', zone: 'z-h' }), node('2', { instanceId: 'i-2', zone: 'z-i' })];
      expect(learnVSwitchZones(tasks, observed, VSW)).to.deep.equal({});
    });

    it('keeps pairs learned earlier when no task proves them any more', () => {
      expect(learnVSwitchZones([], [], VSW, { 'vsw-c': 'z-j', 'vsw-gone': 'z-k' })).to.deep.equal({ 'vsw-c': 'z-j' });
    });
  });

  describe('loads', () => {
    it('live nodes by instance id, then by zone label; deleting and unattributable nodes do not count; plus in flight', () => {
      const tasks = [
        record({ state: 'Succeeded', vswitchIds: ['vsw-a'], instanceIds: ['i-1'] }),
        record({ state: 'Running', taskId: 'T-2', count: 2, vswitchIds: ['vsw-c'] }),
      ];
      const observed = [
        node('by-instance', { instanceId: 'i-1', zone: 'z-h' }),
        node('by-zone', { instanceId: 'i-9', zone: 'z-i' }),
        node('deleting', { instanceId: 'i-8', zone: 'z-i', deleting: true }),
        node('unknown-zone', { instanceId: 'i-7', zone: 'z-q' }),
        node('no-zone', { instanceId: 'i-6' }),
      ];
      const zones = { 'vsw-a': 'z-h', 'vsw-b': 'z-i' };
      const loads = vswitchLoads(VSW, tasks, observed, zones, (r) => (r.state === 'Running' ? r.count : 0));
      expect(loads).to.deep.equal([1, 1, 2]);
    });

    it('two vSwitches in one zone: the first in spec order gets zone-attributed nodes', () => {
      const loads = vswitchLoads(VSW, [], [node('x', { zone: 'z-h' })], { 'vsw-a': 'z-h', 'vsw-b': 'z-h' }, () => 0);
      expect(loads).to.deep.equal([1, 0, 0]);
    });
  });
});
