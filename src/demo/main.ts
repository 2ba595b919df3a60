// `npm run demo`: the whole product on one machine. A real etcd + kube-apiserver, the ACK simulator
// joined to it (its instances become Nodes), the operator as a real process pointed at both, and
// examples/minimal.yaml applied; then a live view until the resource converges, and directions
// for playing on. Ctrl-C stops and removes everything.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type SandboxCapacity } from '../api/sandbox-capacity.js';
import { locateAssets } from '../local-control-plane/assets.js';
import { startLocalControlPlane, type LocalControlPlane } from '../local-control-plane/control-plane.js';
import { installCrds } from '../local-control-plane/install-crds.js';
import { startAckSimulator, type AckSimulator } from '../simulator/index.js';
import { isConverged, renderCapacity } from './live-view.js';
import { nextSteps } from './next-steps.js';
import { run } from './run.js';

const repoRoot = join(fileURLToPath(import.meta.url), '..', '..', '..');
const NAMESPACE = 'sandbox-system';
const NAME = 'sandbox-workers';
const out = (line = ''): void => { process.stdout.write(`${line}\n`); };

interface Parts {
  cp?: LocalControlPlane;
  sim?: AckSimulator;
  operator?: ChildProcess;
}

async function stopAll(parts: Parts): Promise<void> {
  if (parts.operator && parts.operator.exitCode === null) {
    const exited = new Promise((r) => parts.operator?.once('exit', r));
    parts.operator.kill('SIGTERM');
    await exited;
  }
  await parts.sim?.close();
  await parts.cp?.stop();
}

function startOperatorProcess(cp: LocalControlPlane, sim: AckSimulator): ChildProcess {
  const logFile = join(cp.dir, 'operator.log');
  const log = openSync(logFile, 'a');
  out(`operator:       logs in ${logFile}`);
  return spawn(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(repoRoot, 'src', 'main.ts'),
    '--kubeconfig', cp.kubeconfigPath, '--cloud-endpoint', `http://${sim.endpoint}`,
    '--metrics-bind-address', '127.0.0.1:0', '--health-probe-bind-address', '127.0.0.1:0', '--log-level', 'debug'], {
    stdio: ['ignore', log, log],
    // The example uses the default credential chain; its first link is the environment.
    env: { ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: sim.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: sim.accessKeySecret, POD_NAME: 'demo-operator' },
  });
}

async function watchUntilConverged(cp: LocalControlPlane, simulatorUrl: string, keepWatching: boolean, timeoutS: number): Promise<boolean> {
  const api = cp.kubeConfig.makeApiClient(CustomObjectsApi);
  const started = Date.now();
  let previous = '';
  let converged = false;
  for (;;) {
    const sc = (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: NAMESPACE, plural: PLURAL, name: NAME })) as SandboxCapacity;
    const elapsed = (Date.now() - started) / 1000;
    const view = renderCapacity(sc, elapsed).join('\n');
    const body = view.split('\n').slice(1).join('\n');
    if (body !== previous) {
      out(`\n${view}`);
      previous = body;
    }
    if (!converged && isConverged(sc)) {
      converged = true;
      out(`\nconverged in ${elapsed.toFixed(1)}s: ${sc.status?.readyReplicas ?? 0} sandbox nodes Ready, nothing in flight.`);
      if (!keepWatching) return true;
      out(nextSteps(cp, simulatorUrl, NAMESPACE, NAME));
    }
    if (!converged && elapsed > timeoutS) return false;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'exit-when-ready': { type: 'boolean' }, timeout: { type: 'string' } } });
  const parts: Parts = {};
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) return;
    stopping = true;
    out('\nstopping: operator, ACK simulator, kube-apiserver, etcd ...');
    void stopAll(parts).then(() => { out('stopped; temporary files removed.'); process.exit(0); });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    out('starting a local control plane (etcd + kube-apiserver) ...');
    parts.cp = await startLocalControlPlane(locateAssets(repoRoot));
    await installCrds(parts.cp.kubeConfig, join(repoRoot, 'crds'));
    out(`kube-apiserver: ${parts.cp.kubernetesVersion} at ${parts.cp.server}`);
    parts.sim = await startAckSimulator({ kubeConfig: parts.cp.kubeConfig, taskDurationMs: 4000, joinDelayMs: 2000, heartbeatIntervalMs: 0 });
    out(`ACK simulator:  ${parts.sim.url} (AccessKey ${parts.sim.accessKeyId})`);
    parts.operator = startOperatorProcess(parts.cp, parts.sim);
    const kubectl = (args: string[], input?: string): Promise<unknown> => run(parts.cp?.assets.kubectl ?? 'kubectl', ['--kubeconfig', parts.cp?.kubeconfigPath ?? '', ...args], input);
    await kubectl(['create', 'namespace', NAMESPACE]);
    await kubectl(['apply', '-f', '-'], readFileSync(join(repoRoot, 'examples', 'minimal.yaml'), 'utf8'));
    out(`applied examples/minimal.yaml: ${NAMESPACE}/${NAME} wants 3 sandbox nodes`);
    const ok = await watchUntilConverged(parts.cp, parts.sim.url, !values['exit-when-ready'], Number(values.timeout ?? 180));
    if (!ok) out('did not converge in time; see the operator log above.');
    await stopAll(parts);
    return ok ? 0 : 1;
  } catch (err) {
    out(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    await stopAll(parts);
    return 1;
  }
}

main().then((code) => { process.exit(code); }, (err: unknown) => { out(String(err)); process.exit(1); });
