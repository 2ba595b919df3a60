// Node objects as a kubelet on an ACK sandboxed-container bare-metal worker writes them: ACK's and
// the well-known labels, the usual annotations, five conditions, addresses, capacity, nodeInfo and an
// images list (the bulk of a real Node's bytes: ~12 KiB of JSON each). Nodes allow status on create,
// so one POST registers a complete Node.
import { createHash } from 'node:crypto';

export const SANDBOX_RUNTIME_LABEL = 'alibabacloud.com/container-runtime';
export const SANDBOX_RUNTIME = 'Sandboxed-Container.runv';
export const CLUSTER_LABEL = 'ack.aliyun.com';
/** Marks every Node a benchmark created, so a run can find (and delete) its own. */
export const BENCH_LABEL = 'bench.sandbox-capacity.dev/run';

const IMAGE_REPOS = [
  'registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/csi-plugin', 'registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/kube-proxy',
  'registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/terway-controlplane', 'registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/terway',
  'registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/node-problem-detector', 'registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/logtail',
  'registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/arms-prometheus-agent', 'registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/pause',
  'registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/coredns', 'registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/kata-deploy',
  'registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/storage-operator', 'registry-cn-hangzhou-vpc.ack.aliyuncs.com/acs/ack-node-local-dns',
  'docker.io/library/nginx', 'docker.io/library/redis', 'docker.io/library/python', 'docker.io/library/golang',
  'docker.io/library/node', 'docker.io/library/busybox', 'docker.io/library/alpine', 'docker.io/library/postgres',
  'ghcr.io/example/sandbox-runner', 'ghcr.io/example/sandbox-agent', 'ghcr.io/example/code-executor', 'ghcr.io/example/browser-pool',
  'quay.io/prometheus/node-exporter', 'quay.io/jetstack/cert-manager-controller', 'registry.k8s.io/metrics-server/metrics-server',
  'registry.k8s.io/ingress-nginx/controller', 'docker.io/grafana/promtail', 'docker.io/fluent/fluent-bit',
];

function digest(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** The same list on every node, as in a fleet running one workload mix (the server stores it per node anyway). */
const IMAGES = IMAGE_REPOS.map((repo, i) => ({
  names: [`${repo}@sha256:${digest(repo)}`, `${repo}:v1.${i}.${i % 7}`],
  sizeBytes: 20_000_000 + i * 7_340_033,
}));

export interface NodeSpecInput {
  name: string;
  clusterId: string;
  runId: string;
  instanceId: string;
  privateIp: string;
  zone: string;
  ready?: boolean;
}

function condition(type: string, status: string, reason: string, message: string, at: string): Record<string, string> {
  return { type, status, reason, message, lastHeartbeatTime: at, lastTransitionTime: at };
}

export function kubeletNode(input: NodeSpecInput, now = new Date()): Record<string, unknown> {
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const ready = input.ready ?? true;
  const capacity = { cpu: '96', memory: '393216Mi', pods: '110', 'ephemeral-storage': '206292644Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: input.name,
      labels: {
        [SANDBOX_RUNTIME_LABEL]: SANDBOX_RUNTIME, 'alibabacloud.com/sandboxed-container': SANDBOX_RUNTIME,
        'alibabacloud.com/container-runtime-version': '2.2.0', 'alibabacloud.com/nodepool-id': `np${input.clusterId.slice(1, 33)}`,
        [CLUSTER_LABEL]: input.clusterId, [BENCH_LABEL]: input.runId,
        'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/instance-type': 'ecs.ebmg5s.24xlarge',
        'failure-domain.beta.kubernetes.io/region': 'cn-hangzhou', 'failure-domain.beta.kubernetes.io/zone': input.zone,
        'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': input.name,
        'node.kubernetes.io/instance-type': 'ecs.ebmg5s.24xlarge',
        'topology.kubernetes.io/region': 'cn-hangzhou', 'topology.kubernetes.io/zone': input.zone,
        'topology.diskplugin.csi.alibabacloud.com/zone': input.zone,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        'csi.volume.kubernetes.io/nodeid': JSON.stringify({ 'diskplugin.csi.alibabacloud.com': input.instanceId, 'nasplugin.csi.alibabacloud.com': input.instanceId }),
        'k8s.aliyun.com/terway-eni-ip-pool': '{"max":16,"min":0}',
      },
    },
    spec: { providerID: `cn-hangzhou.${input.instanceId}` },
    status: {
      capacity,
      allocatable: { ...capacity, cpu: '95800m', memory: '380000Mi', 'ephemeral-storage': '190119300396' },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', at),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', at),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', at),
        ready
          ? condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', at)
          : condition('Ready', 'False', 'KubeletNotReady', 'container runtime network not ready: NetworkReady=false', at),
      ],
      addresses: [{ type: 'InternalIP', address: input.privateIp }, { type: 'Hostname', address: input.name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: digest(`${input.instanceId}/m`).slice(0, 32), systemUUID: digest(`${input.instanceId}/u`).slice(0, 32),
        bootID: digest(`${input.instanceId}/b`).slice(0, 32),
        kernelVersion: '5.10.134-16.3.al8.x86_64', osImage: 'Alibaba Cloud Linux 3 (Soaring Falcon)',
        containerRuntimeVersion: 'containerd://1.6.28', kubeletVersion: 'v1.30.1-aliyun.1', kubeProxyVersion: 'v1.30.1-aliyun.1',
        operatingSystem: 'linux', architecture: 'amd64',
      },
      images: IMAGES,
    },
  };
}

/** Deterministic, unique per (run, index): instance id, private IP and node name. */
export function nodeIdentity(runId: string, index: number): { name: string; instanceId: string; privateIp: string } {
  const h = digest(`${runId}/${index}`);
  const instanceId = `i-${h.slice(0, 20)}`;
  const privateIp = `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
  return { name: `cn-hangzhou.bench-${runId}-${index}`, instanceId, privateIp };
}
