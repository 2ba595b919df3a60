import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import winston from 'winston';
import { parseCommandFlags } from '../../../src/simulator/command-flags.js';
import { simulateAckCommand } from '../../../src/simulator/command.js';
import { csClient, rejectionOf } from './support/sdk.js';

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { out, text: () => text };
}

async function waitFor(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(predicate(), 'condition reached').to.equal(true);
}

describe('simulate-ack command', () => {
  const logger = winston.createLogger({ silent: true });

  it('runs until aborted, printing the endpoint and the AccessKey, and serves ACK calls with its faults', async () => {
    const { out, text } = capture();
    const abort = new AbortController();
    const exit = simulateAckCommand(
      ['--port', '0', '--access-key-id', 'LTAI-cmd', '--cluster-id', 'c-cmd', '--fault', 'throttle:times=1,retryAfterMs=250'],
      out,
      { signal: abort.signal, logger },
    );
    await waitFor(() => text().includes('Press Ctrl+C'));
    const endpoint = /listening on (127\.0\.0\.1:\d+)/.exec(text())?.[1] ?? '';
    expect(text()).to.include('access key id:     LTAI-cmd');
    expect(text()).to.include('access key secret: simulator-secret');
    expect(text()).to.include('c-cmd (cn-hangzhou, sandboxed containers)');
    const client = csClient({ endpoint, accessKeyId: 'LTAI-cmd', accessKeySecret: 'simulator-secret' });
    expect(await rejectionOf(() => client.describeTaskInfo('T-x'))).to.include({ code: 'Throttling.User', retryAfter: 250 });
    expect((await rejectionOf(() => client.describeTaskInfo('T-x'))).code).to.equal('ErrorTaskNotFound');
    abort.abort();
    expect(await exit).to.equal(0);
    expect(text()).to.include('ACK simulator stopped.');
  });

  it('does not print a secret the user supplied', async () => {
    const { out, text } = capture();
    const abort = new AbortController();
    abort.abort();
    expect(await simulateAckCommand(['--port', '0', '--access-key-secret', 'my-own-secret'], out, { signal: abort.signal, logger })).to.equal(0);
    expect(text()).not.to.include('my-own-secret');
  });

  it('prints help', async () => {
    const { out, text } = capture();
    expect(await simulateAckCommand(['--help'], out)).to.equal(0);
    expect(text()).to.include('Usage: sandbox-capacity-operator simulate-ack');
    expect(text()).to.include('--fault <spec>');
  });

  it('refuses unknown flags, a host other than 127.0.0.1 and bad values with exit code 2', async () => {
    for (const argv of [['--colour'], ['--host', '0.0.0.0'], ['--task-duration', 'soon'], ['--fault', 'melt'], ['--port', '-1'], ['--log-level', 'loud']]) {
      const { out, text } = capture();
      expect(await simulateAckCommand(argv, out), argv.join(' ')).to.equal(2);
      expect(text()).to.include('Usage:');
    }
  });

  it('--node-pool replaces the default pool; the banner lists the pools with their ids', async () => {
    const { out, text } = capture();
    const abort = new AbortController();
    const exit = simulateAckCommand(
      ['--port', '0', '--node-pool', 'id=np-sandbox,desiredSize=1', '--node-pool', 'id=np-auto,name=autoscaled,autoScaling=true,runtime=containerd'],
      out,
      { signal: abort.signal, logger },
    );
    await waitFor(() => text().includes('Press Ctrl+C'));
    expect(text()).to.include('node pools:        np-sandbox (sandbox-pool, ess, Sandboxed-Container.runv, desired 1)');
    expect(text()).to.include('np-auto (autoscaled, ess, containerd, autoscaling, desired 0)');
    abort.abort();
    expect(await exit).to.equal(0);
  });

  it('the default cluster has one eligible sandbox pool', async () => {
    const { out, text } = capture();
    const abort = new AbortController();
    const exit = simulateAckCommand(['--port', '0'], out, { signal: abort.signal, logger });
    await waitFor(() => text().includes('Press Ctrl+C'));
    expect(text()).to.match(/node pools: {8}np[0-9a-f]{32} \(sandbox-pool, ess, Sandboxed-Container\.runv, desired 0\)/);
    abort.abort();
    expect(await exit).to.equal(0);
  });

  it('parses --node-pool settings and refuses bad ones with exit code 2', async () => {
    const options = parseCommandFlags([
      '--node-pool',
      'id=np-1,name=a,type=edge,runtime=containerd,runtimeVersion=1.7,autoScaling=true,minInstances=1,maxInstances=4,autoMode=false,vswitchIds=vsw-a+vsw-b,instanceTypes=t1+t2,desiredSize=3,labels=team=x+tier=y,isDefault=true',
    ]);
    expect(options.cluster.nodePools).to.deep.equal([
      {
        nodepoolId: 'np-1', name: 'a', type: 'edge', runtime: 'containerd', runtimeVersion: '1.7', autoScaling: true, minInstances: 1, maxInstances: 4,
        autoMode: false, vswitchIds: ['vsw-a', 'vsw-b'], instanceTypes: ['t1', 't2'], desiredSize: 3, labels: { team: 'x', tier: 'y' }, isDefault: true,
      },
    ]);
    for (const spec of ['type=gpu', 'runtime=docker', 'colour=red', 'desiredSize=many', 'autoScaling=yes', 'labels=novalue']) {
      const { out, text } = capture();
      expect(await simulateAckCommand(['--node-pool', spec], out), spec).to.equal(2);
      expect(text()).to.include(`--node-pool ${spec}`);
    }
  });

  it('exits 1 when it cannot listen', async () => {
    const { out: firstOut, text: firstText } = capture();
    const abort = new AbortController();
    const first = simulateAckCommand(['--port', '0'], firstOut, { signal: abort.signal, logger });
    await waitFor(() => firstText().includes('Press Ctrl+C'));
    const port = /127\.0\.0\.1:(\d+)/.exec(firstText())?.[1] ?? '';
    const { out, text } = capture();
    expect(await simulateAckCommand(['--port', port], out, { logger })).to.equal(1);
    expect(text()).to.include('could not start');
    abort.abort();
    expect(await first).to.equal(0);
  });

  it('parses every knob', () => {
    const options = parseCommandFlags([
      '--port', '18081', '--host', '127.0.0.1', '--cluster-id', 'c-1', '--region', 'cn-shanghai', '--not-sandbox',
      '--node-quota', '7', '--max-scale-out-tasks', '2', '--vswitch-zone', 'vsw-a=cn-shanghai-b', '--vswitch-zone', 'vsw-b=cn-shanghai-c',
      '--default-zone', 'cn-shanghai-x', '--task-duration', '3s', '--join-delay', '500ms', '--max-nodes-per-call', '20',
      '--max-clock-skew', '5m', '--heartbeat-interval', '0', '--seed', '9', '--fault', 'task-fail:failFraction=0.5', '--log-level', 'debug',
    ]);
    expect(options).to.deep.include({ port: 18081, seed: 9, logLevel: 'debug', help: false });
    expect(options.cluster).to.deep.equal({
      clusterId: 'c-1',
      regionId: 'cn-shanghai',
      sandbox: false,
      nodeQuota: 7,
      maxConcurrentScaleOuts: 2,
      vswitchZones: { 'vsw-a': 'cn-shanghai-b', 'vsw-b': 'cn-shanghai-c' },
      defaultZone: 'cn-shanghai-x',
    });
    expect(options.settings).to.deep.equal({ taskDurationMs: 3000, joinDelayMs: 500, maxNodesPerCall: 20, maxClockSkewMs: 300_000, heartbeatIntervalMs: 0 });
    expect(options.faults).to.deep.equal([{ kind: 'task-fail', failFraction: 0.5 }]);
    expect(parseCommandFlags([]).port).to.equal(18080);
  });
});
