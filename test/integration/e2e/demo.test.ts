// The README's first command, end to end: `npm run demo` starts its own control plane, the ACK
// simulator and the operator as a real process (tsx src/main.ts), applies examples/minimal.yaml and
// must report convergence; then it must clean up after itself.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

describe('npm run demo', function () {
  this.timeout(240_000);

  it('converges the minimal example on a local control plane and removes what it started', async () => {
    const child = spawn('npm', ['run', '-s', 'demo', '--', '--exit-when-ready', '--timeout', '150'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).to.equal(0);
    expect(output).to.match(/converged in [\d.]+s: 3 sandbox nodes Ready, nothing in flight/);
    expect(output).to.include('task T-');
    const dir = /logs in (\/\S+)\/operator\.log/.exec(output)?.[1];
    expect(dir, output).to.be.a('string');
    expect(existsSync(dir ?? ''), `${dir ?? ''} still exists`).to.equal(false);
  });
});
