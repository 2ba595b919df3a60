// `npm test`: the unit suite, then the integration suite (real kube-apiserver + etcd, ACK simulator),
// both under c8 coverage; prints one combined closing line and exits non-zero if anything failed.
// Both suites always run, so one failure does not hide the other suite's result.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const statsDir = mkdtempSync(join(tmpdir(), 'sco-test-stats-'));
const suites = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['unit', 'integration'];
const total = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;
for (const [i, suite] of suites.entries()) {
  const statsFile = join(statsDir, `${suite}.json`);
  const c8Args = ['--reporter=text-summary', '--reporter=lcov', '--include=src/**', '--exclude=src/**/*.d.ts'];
  if (i > 0) c8Args.push('--clean=false');
  const res = spawnSync('c8', [...c8Args, 'mocha', '--config', `test/mocharc.${suite}.json`], {
    stdio: 'inherit',
    env: { ...process.env, SCO_TEST_SUITE: suite, SCO_TEST_STATS_FILE: statsFile },
  });
  if (res.status !== 0) exitCode = 1;
  try {
    const s = JSON.parse(readFileSync(statsFile, 'utf8'));
    total.passed += s.passed; total.failed += s.failed; total.skipped += s.skipped;
  } catch {
    // The suite died before mocha finished (e.g. the control plane could not start): count it as a failure.
    total.failed += 1;
    exitCode = 1;
  }
}
rmSync(statsDir, { recursive: true, force: true });
process.stdout.write(`\nall: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exit(exitCode);
