// The few Kubernetes calls a kubelet makes to register itself, over @kubernetes/client-node.
import { CoordinationV1Api, CoreV1Api, V1MicroTime, type KubeConfig, type V1Node, type V1NodeStatus } from '@kubernetes/client-node';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const LEASE_DURATION_SECONDS = 40;

export interface NodeWriter {
  /** Creates the Node; when it exists already, returns the existing one (the caller checks it is ours). */
  createNode(node: V1Node): Promise<V1Node>;
  writeStatus(name: string, status: V1NodeStatus): Promise<void>;
  deleteNode(name: string): Promise<void>;
  /** Creates or renews the node's Lease in kube-node-lease, the heartbeat a node lifecycle controller reads. */
  renewLease(node: V1Node, nowMs: number): Promise<void>;
}

export function httpStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export class KubeNodeWriter implements NodeWriter {
  private readonly core: CoreV1Api;
  private readonly coordination: CoordinationV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.coordination = kubeConfig.makeApiClient(CoordinationV1Api);
  }

  async createNode(node: V1Node): Promise<V1Node> {
    try {
      return await this.core.createNode({ body: node });
    } catch (error) {
      if (httpStatusOf(error) === 409) {
        return this.core.readNode({ name: node.metadata?.name ?? '' });
      }
      throw error;
    }
  }

  async writeStatus(name: string, status: V1NodeStatus): Promise<void> {
    // Read-modify-write through the status subresource, as a kubelet's status update does.
    const current = await this.core.readNode({ name });
    await this.core.replaceNodeStatus({ name, body: { ...current, status } });
  }

  async deleteNode(name: string): Promise<void> {
    try {
      await this.core.deleteNode({ name });
    } catch (error) {
      if (httpStatusOf(error) !== 404) {
        throw error;
      }
    }
  }

  async renewLease(node: V1Node, nowMs: number): Promise<void> {
    const name = node.metadata?.name ?? '';
    const spec = { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: new V1MicroTime(nowMs) };
    try {
      const lease = await this.coordination.readNamespacedLease({ name, namespace: NODE_LEASE_NAMESPACE });
      await this.coordination.replaceNamespacedLease({
        name,
        namespace: NODE_LEASE_NAMESPACE,
        body: { ...lease, spec: { ...lease.spec, ...spec } },
      });
    } catch (error) {
      if (httpStatusOf(error) !== 404) {
        throw error;
      }
      const ownerReferences = node.metadata?.uid
        ? [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }]
        : undefined;
      await this.coordination.createNamespacedLease({
        namespace: NODE_LEASE_NAMESPACE,
        body: { metadata: { name, namespace: NODE_LEASE_NAMESPACE, ...(ownerReferences ? { ownerReferences } : {}) }, spec },
      });
    }
  }
}
