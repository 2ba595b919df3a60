// `npm run demo`: the whole product on one machine. A real etcd + kube-apiserver, the ACK simulator
// joined to it (its instances become Nodes), the operator as a real process pointed at both, and
// the mode's example applied; then a live view until the resource converges, and directions for
// playing on. Ctrl-C stops and removes everything. What it applies and how the simulator behaves
// is a mode (modes.ts). package.json runs it as `node --import tsx`, not through the tsx CLI,
// which SIGKILLs its child when a relayed Ctrl-C is not acknowledged within 60 ms: the demo would
// then leave its temporary files behind.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CustomObjectsApi, loadYaml } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type SandboxCapacity } from '../api/sandbox-capacity.js';
import { isNotFound } from '../kube/api-errors.js';
import { locateAssets } from '../local-control-plane/assets.js';
import { startLocalControlPlane, type LocalControlPlane } from '../local-control-plane/control-plane.js';
import { installCrds } from '../local-control-plane/install-crds.js';
import { startAckSimulator, type AckSimulator } from '../simulator/index.js';
import { LiveBlock } from './live-block.js';
import { DEMO_MODES, demoModeOf, type DemoMode, type DemoModeName } from './modes.js';
import { nextSteps } from './next-steps.js';
import { metricsAddress, startOperatorProcess, stopOperatorProcess, type OperatorProcess } from './operator-process.js';
import { run } from './run.js';
import { watchCapacity, type WatchOutcome } from './watch.js';

const repoRoot = join(fileURLToPath(import.meta.url), '..', '..', '..');
const view = new LiveBlock(process.stdout);

interface Parts {
  cp?: LocalControlPlane;
  sim?: AckSimulator;
  operator?: OperatorProcess;
}

interface Resource {
  namespace: string;
  name: string;
}

async function stopAll(parts: Parts): Promise<void> {
  await stopOperatorProcess(parts.operator);
  await parts.sim?.close();
  await parts.cp?.stop();
}

function readerOf(cp: LocalControlPlane, r: Resource): () => Promise<SandboxCapacity | undefined> {
  const api = cp.kubeConfig.makeApiClient(CustomObjectsApi);
  return () => (api.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: r.namespace, plural: PLURAL, name: r.name }) as Promise<SandboxCapacity>)
    .catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
}

async function start(parts: Parts, mode: DemoMode, manifest: string, signal: AbortSignal): Promise<Resource> {
  view.print(`demo: ${mode.summary}`);
  view.print('starting a local control plane (etcd + kube-apiserver) ...');
  const cp = (parts.cp = await startLocalControlPlane(locateAssets(repoRoot)));
  signal.throwIfAborted();
  await installCrds(cp.kubeConfig, join(repoRoot, 'crds'));
  view.print(`kube-apiserver: ${cp.kubernetesVersion} at ${cp.server}`);
  const sim = (parts.sim = await startAckSimulator({ kubeConfig: cp.kubeConfig, ...mode.simulator }));
  view.print(`ACK simulator:  ${sim.url} (AccessKey ${sim.accessKeyId})`);
  signal.throwIfAborted();
  const object = loadYaml<{ metadata: Resource; spec: { replicas: number; clusterId: string } }>(readFileSync(manifest, 'utf8'));
  // A new cluster has no Node yet to learn its id from: name the one the example is for.
  parts.operator = startOperatorProcess(repoRoot, cp, sim, object.spec.clusterId);
  view.print(`operator:       logs in ${parts.operator.logFile}`);
  const resource = { namespace: object.metadata.namespace, name: object.metadata.name };
  const kubectl = (args: string[], input?: string): Promise<string> => run(cp.assets.kubectl, ['--kubeconfig', cp.kubeconfigPath, ...args], input);
  await kubectl(['create', 'namespace', resource.namespace]);
  await kubectl(['apply', '-f', manifest]);
  signal.throwIfAborted();
  view.print(`applied ${mode.manifest}: ${resource.namespace}/${resource.name} wants ${object.spec.replicas} sandbox nodes`);
  return resource;
}

interface Options {
  exitWhenReady: boolean;
  timeoutS: number;
  mode: DemoModeName;
}

function parseOptions(): Options {
  const { values } = parseArgs({ options: { 'exit-when-ready': { type: 'boolean' }, timeout: { type: 'string' }, mode: { type: 'string' } } });
  const timeoutS = Number(values.timeout ?? 180);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new Error(`--timeout must be a number of seconds above 0, got "${values.timeout ?? ''}"`);
  return { exitWhenReady: values['exit-when-ready'] ?? false, timeoutS, mode: demoModeOf(values.mode) };
}

async function demo(parts: Parts, options: Options, signal: AbortSignal): Promise<WatchOutcome> {
  const mode: DemoMode = DEMO_MODES[options.mode];
  const manifest = join(repoRoot, mode.manifest);
  const resource = await start(parts, mode, manifest, signal);
  const { cp, sim, operator } = parts as Required<Parts>;
  const metrics = metricsAddress(operator.logFile, 30_000, signal);
  return watchCapacity({
    read: readerOf(cp, resource), resource, manifest, view, signal,
    keepWatching: !options.exitWhenReady, timeoutS: options.timeoutS,
    onConverged: (sc, elapsed) => {
      view.print(`\nconverged in ${elapsed.toFixed(1)}s: ${sc.status?.readyReplicas ?? 0} sandbox nodes Ready, nothing in flight.`);
      if (options.exitWhenReady) return;
      void metrics.then((address) => {
        if (signal.aborted) return;
        view.print(nextSteps({
          kubeconfigPath: cp.kubeconfigPath, kubectlDir: dirname(cp.assets.kubectl), simulatorUrl: sim.url,
          metricsUrl: address ? `http://${address}/metrics` : undefined, ...resource, manifest,
        }));
      });
    },
  });
}

/** Ctrl-C during start-up fails the call under way; give the signal a moment to be seen first. */
async function stoppedMeanwhile(signal: AbortSignal): Promise<boolean> {
  if (!signal.aborted) await sleep(300);
  return signal.aborted;
}

async function main(): Promise<number> {
  const options = parseOptions();
  const parts: Parts = {};
  const stop = new AbortController();
  const onSignal = (): void => {
    // One Ctrl-C arrives more than once: from the terminal, and relayed by npm.
    if (stop.signal.aborted) return;
    view.print('\nstopping: operator, ACK simulator, kube-apiserver, etcd ...');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let outcome: WatchOutcome;
  try {
    outcome = await demo(parts, options, stop.signal);
  } catch (err) {
    outcome = 'stopped';
    if (!(await stoppedMeanwhile(stop.signal))) {
      view.print(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
      await stopAll(parts);
      return 1;
    }
  }
  if (outcome === 'timed-out') view.print('did not converge in time; see the operator log above.');
  // Only here, once start-up has returned: everything it started is in `parts` and gets stopped.
  await stopAll(parts);
  if (outcome === 'stopped') view.print('stopped; temporary files removed.');
  return outcome === 'timed-out' ? 1 : 0;
}

main().then((code) => { process.exit(code); }, (err: unknown) => { view.print(String(err)); process.exit(1); });
