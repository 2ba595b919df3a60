import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODE, DEMO_MODES, demoModeOf } from '../../../src/demo/modes.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('demo modes', () => {
  it('runs the node-pool mode by default, the legacy one with --mode scale-out-cluster', () => {
    expect(DEFAULT_MODE).to.equal('node-pool');
    expect(demoModeOf(undefined)).to.equal('node-pool');
    expect(demoModeOf('scale-out-cluster')).to.equal('scale-out-cluster');
    expect(() => demoModeOf('scale-in')).to.throw('--mode must be one of node-pool, scale-out-cluster, got "scale-in"');
  });

  it('applies an example that exists, and the node-pool mode\'s simulator has the pool it names', () => {
    for (const mode of Object.values(DEMO_MODES)) expect(existsSync(`${repoRoot}${mode.manifest}`), mode.manifest).to.equal(true);
    const pools = DEMO_MODES['node-pool'].simulator.clusters.flatMap((c) => c.nodePools.map((p) => p.nodepoolId));
    expect(pools).to.deep.equal(['np0123456789abcdef0123456789abcdef']);
  });
});
