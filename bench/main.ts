// `npm run bench -- <latency|footprint|cloud-calls|throughput|reconcile-cost|fleet|all> [flags]`: each benchmark starts its
// own etcd + kube-apiserver and ACK simulator on 127.0.0.1, runs the compiled operator as a separate
// process, prints its figures, the command that reproduces them and one JSON line.
import { parseArgs } from 'node:util';
import { cloudCallsBench } from './cloud-calls.js';
import { fleetBench } from './fleet.js';
import { footprintBench } from './footprint.js';
import { latencyBench } from './latency.js';
import { nodePoolCallsBench } from './node-pool-calls.js';
import { imageNodeOptions } from './support/operator-process.js';
import { log, printResult, type BenchOptions } from './support/report.js';
import { reconcileCostBench } from './reconcile-cost.js';
import { throughputBench } from './throughput.js';

const BENCHES = {
  latency: latencyBench,
  footprint: footprintBench,
  'cloud-calls': cloudCallsBench,
  'node-pool-calls': nodePoolCallsBench,
  throughput: throughputBench,
  'reconcile-cost': reconcileCostBench,
  fleet: fleetBench,
} as const;
type BenchName = keyof typeof BENCHES;

const USAGE = `Usage: npm run bench -- <latency|footprint|cloud-calls|node-pool-calls|throughput|reconcile-cost|fleet|all> [flags]

  --samples N             latency: samples per kind (create, replicas, node-delete); default 200
  --scenario S            latency: single | loaded | both (default both)
  --nodes N               Nodes of the loaded fleet (default 5000; reconcile-cost: the small size, then 4 ×)
  --resources N           SandboxCapacities of the loaded fleet (default 500; fleet: across 50 clusters)
  --repeat N              run each measurement N times and report min / median / max (default 1;
                          reconcile-cost: N windows of 20 s at each size)
  --idle-seconds N        footprint: quiet window for idle CPU (default 60)
  --converge-resources N  cloud-calls (both modes), node-pool-calls: resources converging at once (default 10)
  --shortfall N           cloud-calls: nodes missing per resource (default 50)
  --task-seconds N        cloud-calls: simulated scale-out task duration (default 25)
  --steady-seconds N      cloud-calls: steady-state window (default 180)
  --duration N            throughput: seconds of node churn (default 60)
  --churn-concurrency N   throughput: node writes in flight (default 16)
  --operator-dist DIR     use an existing tsc build (folder holding main.js) instead of compiling
  --operator-args="..."   extra operator flags for every run, e.g. --operator-args="--workers 16"
  --node-args="..."       Node.js flags for the operator process (default: the Dockerfile's NODE_OPTIONS;
                          --node-args="" runs plain node), e.g. --node-args="--max-old-space-size=96"
`;

const FLAGS = {
  samples: { type: 'string' }, scenario: { type: 'string' }, nodes: { type: 'string' }, resources: { type: 'string' },
  repeat: { type: 'string' }, 'idle-seconds': { type: 'string' }, 'converge-resources': { type: 'string' },
  shortfall: { type: 'string' }, 'task-seconds': { type: 'string' }, 'steady-seconds': { type: 'string' },
  duration: { type: 'string' }, 'churn-concurrency': { type: 'string' }, 'operator-dist': { type: 'string' },
  'operator-args': { type: 'string' }, 'node-args': { type: 'string' },
  help: { type: 'boolean' },
} as const;

function positive(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${flag}: expected a positive number, got "${value}"`);
  return n;
}

function operatorBuildOptions(dist: string | undefined, args: string | undefined, nodeArgs: string | undefined): Pick<BenchOptions, 'operatorDist' | 'operatorArgs' | 'nodeArgs'> {
  const words = (text: string | undefined): string[] => (text ?? '').split(/\s+/).filter(Boolean);
  return { operatorArgs: words(args), nodeArgs: nodeArgs === undefined ? imageNodeOptions() : words(nodeArgs), ...(dist !== undefined ? { operatorDist: dist } : {}) };
}

function parseOptions(argv: string[]): { names: BenchName[]; options: BenchOptions } | 'help' {
  const { values: v, positionals } = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  if (v.help === true || positionals.length !== 1) return 'help';
  const command = positionals[0] ?? '';
  // `all` leaves out node-pool-calls: cloud-calls runs it after the ScaleOutCluster variants.
  const everyBench = (Object.keys(BENCHES) as BenchName[]).filter((n) => n !== 'node-pool-calls');
  const names = command === 'all' ? everyBench : command in BENCHES ? [command as BenchName] : undefined;
  if (!names) throw new Error(`unknown benchmark "${command}"`);
  const scenario = v.scenario ?? 'both';
  if (scenario !== 'single' && scenario !== 'loaded' && scenario !== 'both') throw new Error(`--scenario: expected single|loaded|both, got "${scenario}"`);
  const options: BenchOptions = {
    samples: positive(v.samples, 200, 'samples'), scenario, nodes: positive(v.nodes, 5000, 'nodes'),
    resources: positive(v.resources, 500, 'resources'), repeat: positive(v.repeat, 1, 'repeat'),
    idleSeconds: positive(v['idle-seconds'], 60, 'idle-seconds'), convergeResources: positive(v['converge-resources'], 10, 'converge-resources'),
    shortfall: positive(v.shortfall, 50, 'shortfall'), taskSeconds: positive(v['task-seconds'], 25, 'task-seconds'),
    steadySeconds: positive(v['steady-seconds'], 180, 'steady-seconds'), durationSeconds: positive(v.duration, 60, 'duration'),
    churnConcurrency: positive(v['churn-concurrency'], 16, 'churn-concurrency'),
    ...operatorBuildOptions(v['operator-dist'], v['operator-args'], v['node-args']),
  };
  return { names, options };
}

/** The command line as a shell would need it typed (arguments with spaces quoted). */
function shellLine(args: readonly string[]): string {
  return args.map((a) => (/[\s"']/.test(a) ? `'${a.replace(/'/g, `'\\''`)}'` : a)).join(' ');
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const command = `npm run bench -- ${shellLine(argv)}`;
  const results: Record<string, unknown>[] = [];
  for (const name of parsed.names) {
    log(`== ${name} == operator: node ${parsed.options.nodeArgs.join(' ')} main.js ${parsed.options.operatorArgs.join(' ')}`);
    const result = { ...await BENCHES[name](parsed.options), operatorNodeArgs: parsed.options.nodeArgs, operatorArgs: parsed.options.operatorArgs };
    results.push(result);
    if (parsed.names.length > 1) printResult(`npm run bench -- ${shellLine([name, ...argv.filter((a) => a !== 'all')])}`, result);
  }
  printResult(command, parsed.names.length === 1 ? (results[0] ?? {}) : { bench: 'all', results });
  return 0;
}

// Ctrl-C: exit through the 'exit' handlers, which kill the operator and the control plane.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
