// `npm run chaos` (tsx test/chaos/run.ts [flags]): starts its own etcd + kube-apiserver, runs the chaos
// engine and prints its summary; exits 1 unless 0 nodes were over-provisioned, 0 tasks (ScaleOutCluster
// runs) and 0 writes (node-pool runs) were lost, every run converged and no non-leader called
// ScaleOutCluster or ModifyClusterNodePool. See docs/chaos.md.
import { CoreV1Api } from '@kubernetes/client-node';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { locateAssets } from '../../src/local-control-plane/assets.js';
import { startLocalControlPlane, type LocalControlPlane } from '../../src/local-control-plane/control-plane.js';
import { installCrds } from '../../src/local-control-plane/install-crds.js';
import { REPO_ROOT } from './controller-process.js';
import { detailLines, passed, runChaos, summaryLine, type ChaosOptions } from './engine.js';
import { RUN_MODES, type ModeChoice } from './run-plan.js';

const USAGE = `Usage: npm run chaos -- [flags]
  --seed <n>                 master seed (default 1): same seed, same runs, storms and kill targets
  --runs <n>                 runs (default 20)
  --modes <m>                mixed (default: about every third run node-pool, drawn from the seed),
                             scale-out-cluster or node-pool (every run in that mode)
  --kills <n>                kills per run (default 12; leader-election runs do at most 4)
  --concurrency <n>          runs in parallel (default 3)
  --leader-every <n>         every Nth run has two replicas with leader election (default 5; 0 = never)
  --apiserver-restarts <n>   kube-apiserver restarts spread over the budget (default 3)
  --no-slow-recovery         leave out faults that cost the 2-minute intent recovery window
  --converge-timeout <s>     per run, after the last kill (default 420)
  --log-dir <dir>            controller logs (default: a new folder under the temp dir)
  --property-runs <n>        generated histories of the pure core checked first (default 1000000; 0 skips)
`;

function numberFlag(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: expected a non-negative integer, got "${value}"`);
  return n;
}

/** The property test of the pure core (test/unit/controller/property), with many more histories than npm test runs. */
function checkProperty(runs: number, seed: number): boolean {
  if (runs === 0) return true;
  console.log(`property: ${runs} generated histories of the pure core (seed ${seed})`);
  const result = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'mocha'), ['--config', join(REPO_ROOT, 'test', 'mocharc.property.json')], {
    cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, SCO_PROPERTY_RUNS: String(runs), SCO_PROPERTY_SEED: String(seed) },
  });
  return result.status === 0;
}

function modesFlag(value: string | undefined): ModeChoice {
  if (value === undefined) return 'mixed';
  if (value === 'mixed' || (RUN_MODES as readonly string[]).includes(value)) return value as ModeChoice;
  throw new Error(`--modes: expected mixed, ${RUN_MODES.join(' or ')}, got "${value}"`);
}

function parseOptions(argv: string[]): (ChaosOptions & { propertyRuns: number }) | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' }, runs: { type: 'string' }, modes: { type: 'string' }, kills: { type: 'string' }, concurrency: { type: 'string' },
      'leader-every': { type: 'string' }, 'apiserver-restarts': { type: 'string' }, 'no-slow-recovery': { type: 'boolean' },
      'converge-timeout': { type: 'string' }, 'log-dir': { type: 'string' }, 'property-runs': { type: 'string' }, help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  return {
    seed: numberFlag(values.seed, 1, 'seed'),
    runs: numberFlag(values.runs, 20, 'runs'),
    modes: modesFlag(values.modes),
    killsPerRun: numberFlag(values.kills, 12, 'kills'),
    concurrency: Math.max(1, numberFlag(values.concurrency, 3, 'concurrency')),
    leaderElectionEvery: numberFlag(values['leader-every'], 5, 'leader-every'),
    apiServerRestarts: numberFlag(values['apiserver-restarts'], 3, 'apiserver-restarts'),
    slowRecoveryFaults: values['no-slow-recovery'] !== true,
    lowQps: true,
    convergeTimeoutMs: numberFlag(values['converge-timeout'], 420, 'converge-timeout') * 1000,
    logDir: values['log-dir'] ?? join(tmpdir(), `sco-chaos-${randomBytes(3).toString('hex')}`),
    log: (line) => { console.log(line); },
    propertyRuns: numberFlag(values['property-runs'], 1_000_000, 'property-runs'),
  };
}

async function main(argv: string[]): Promise<number> {
  let options: (ChaosOptions & { propertyRuns: number }) | 'help';
  try {
    options = parseOptions(argv);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const started = Date.now();
  if (!checkProperty(options.propertyRuns, options.seed)) {
    console.log('chaos: the property of the pure core failed (the shrunk history and its replay are above); not starting the process runs');
    return 1;
  }
  const controlPlane: LocalControlPlane = await startLocalControlPlane(locateAssets(REPO_ROOT));
  const stop = async (): Promise<void> => { await controlPlane.stop(); };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { void stop().finally(() => process.exit(130)); });
  try {
    await installCrds(controlPlane.kubeConfig, join(REPO_ROOT, 'crds'));
    console.log(`control plane: kube-apiserver ${controlPlane.kubernetesVersion}, etcd ${controlPlane.etcdVersion} (${controlPlane.server})`);
    const core = controlPlane.kubeConfig.makeApiClient(CoreV1Api);
    const summary = await runChaos({
      kubeConfig: controlPlane.kubeConfig,
      kubeconfigPath: controlPlane.kubeconfigPath,
      createNamespace: async (prefix) => {
        const name = `${prefix}-${randomBytes(3).toString('hex')}`;
        await core.createNamespace({ body: { metadata: { name } } });
        return name;
      },
      restartApiServer: () => controlPlane.restartApiServer(),
    }, options);
    for (const line of detailLines(summary)) console.log(line);
    console.log(`took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
    console.log(summaryLine(summary));
    return passed(summary) ? 0 : 1;
  } finally {
    await stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    console.error(`chaos: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  },
);
