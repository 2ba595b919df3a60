// AckApi on the real Alibaba Cloud SDK (@alicloud/cs20151215 + @alicloud/openapi-client).
// ScaleOutCluster goes through the raw callApi path because SDK 7.2.0's typed request model drops
// the sandbox fields (worker_data_disk, disable_rollback, ...) that the seed document requires.
import { AckCallError, type AckApi, type AckClusterNode, type AckNodePool, type NodePoolWriteAccepted, type NodeRemovalAccepted, type AckClusterTask, type AckTaskInfo, type CloudCallObserver, type ClusterNodesQuery, type RequestNature, type ScaleOutAccepted, type ScaleOutBody } from './ack-api.js';
import type { ResolvedEndpoint } from './endpoint.js';
import { alibabaSdk, type AlibabaSdk, type CredentialClient, type CsClient } from './sdk.js';
import { classifyCloudError, classifyErrorCode } from './sdk-errors.js';

export type AckCredentials =
  | { kind: 'accessKey'; accessKeyId: string; accessKeySecret: string }
  | { kind: 'provider'; credential: CredentialClient };

export interface SdkAckApiOptions {
  endpoint: ResolvedEndpoint;
  credentials: AckCredentials;
  /** Both must be set: the SDK's connect timeout is a socket-idle timeout that defaults to 3 s. */
  connectTimeoutMs: number;
  readTimeoutMs: number;
  userAgent?: string;
  observe?: CloudCallObserver;
}

const API_VERSION = '2015-12-15';

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

type TaskInfoBody = Awaited<ReturnType<CsClient['describeTaskInfoWithOptions']>>['body'];

function taskError(b: TaskInfoBody): AckTaskInfo['error'] {
  const e = b?.error;
  return e ? { code: e.code ?? '', message: e.message ?? '', kind: classifyErrorCode(e.code ?? '') } : undefined;
}

function toTaskInfo(taskId: string, b: TaskInfoBody): AckTaskInfo {
  const results = (b?.taskResult ?? []).map((r) => ({ instanceId: r.data ?? '', status: r.status ?? '' }));
  return {
    taskId: b?.taskId ?? taskId,
    state: b?.state ?? '',
    taskType: b?.taskType,
    created: b?.created,
    results,
    error: taskError(b),
    parameters: b?.parameters,
  };
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

type NodePoolBody = Awaited<ReturnType<CsClient['describeClusterNodePoolDetailWithOptions']>>['body'];

function poolCounts(status: NonNullable<NodePoolBody>['status']): Pick<AckNodePool, 'state' | 'totalNodes' | 'healthyNodes' | 'initialNodes' | 'failedNodes'> {
  return { state: str(status?.state), totalNodes: num(status?.totalNodes), healthyNodes: num(status?.healthyNodes), initialNodes: num(status?.initialNodes), failedNodes: num(status?.failedNodes) };
}

function poolOwnership(b: NodePoolBody): Pick<AckNodePool, 'type' | 'runtime' | 'autoScalingEnabled' | 'autoModeEnabled'> {
  return { type: str(b?.nodepoolInfo?.type), runtime: str(b?.kubernetesConfig?.runtime), autoScalingEnabled: b?.autoScaling?.enable === true, autoModeEnabled: b?.autoMode?.enable === true };
}

function toNodePool(nodepoolId: string, b: NodePoolBody): AckNodePool {
  const group = b?.scalingGroup;
  return {
    nodepoolId: str(b?.nodepoolInfo?.nodepoolId) || nodepoolId,
    ...poolOwnership(b),
    ...poolCounts(b?.status),
    desiredSize: num(group?.desiredSize),
    vswitchIds: group?.vswitchIds ?? [],
  };
}

export class SdkAckApi implements AckApi {
  private readonly client: CsClient;

  constructor(private readonly options: SdkAckApiOptions) {
    const { Cs, OpenApi } = alibabaSdk();
    const creds = options.credentials;
    const config = new OpenApi.Config({
      endpoint: options.endpoint.host,
      protocol: options.endpoint.protocol,
      connectTimeout: options.connectTimeoutMs,
      readTimeout: options.readTimeoutMs,
      userAgent: options.userAgent,
      ...(creds.kind === 'accessKey'
        ? { accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret }
        : { credential: creds.credential }),
    });
    // openapi-client's Config is read by property, which is all openapi-core's client does with it.
    this.client = new Cs(config);
  }

  private runtime(): InstanceType<AlibabaSdk['Tea']['RuntimeOptions']> {
    return new (alibabaSdk().Tea.RuntimeOptions)({
      connectTimeout: this.options.connectTimeoutMs,
      readTimeout: this.options.readTimeoutMs,
      autoretry: false,
      maxAttempts: 1,
    });
  }

  /** Times the call and turns any failure into an AckCallError classified for the call's nature. */
  private async observed<T>(action: string, nature: RequestNature, call: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await call();
      this.options.observe?.(action, seconds(), 'OK');
      return result;
    } catch (err) {
      const info = classifyCloudError(err, nature);
      this.options.observe?.(action, seconds(), info.code);
      throw new AckCallError(action, info, { cause: err });
    }
  }

  scaleOutCluster(clusterId: string, body: ScaleOutBody): Promise<ScaleOutAccepted> {
    return this.observed('ScaleOutCluster', 'mutation', async () => {
      const { OpenApi } = alibabaSdk();
      const params = new OpenApi.Params({
        action: 'ScaleOutCluster', version: API_VERSION, protocol: this.options.endpoint.protocol.toUpperCase(),
        pathname: `/api/v2/clusters/${encodeURIComponent(clusterId)}`, method: 'POST', authType: 'AK',
        style: 'ROA', reqBodyType: 'json', bodyType: 'json',
      });
      const request = new OpenApi.OpenApiRequest({ body });
      const res = (await this.client.callApi(params, request, this.runtime())) as { body?: Record<string, unknown> };
      const taskId = str(res.body?.task_id);
      if (!taskId) throw new Error('ScaleOutCluster answered without a task_id');
      return { taskId, requestId: str(res.body?.request_id) };
    });
  }

  describeTaskInfo(taskId: string): Promise<AckTaskInfo> {
    return this.observed('DescribeTaskInfo', 'read', async () => {
      const res = await this.client.describeTaskInfoWithOptions(taskId, {}, this.runtime());
      return toTaskInfo(taskId, res.body);
    });
  }

  describeClusterTasks(clusterId: string, pageNumber: number, pageSize: number): Promise<AckClusterTask[]> {
    return this.observed('DescribeClusterTasks', 'read', async () => {
      const res = await this.client.describeClusterTasksWithOptions(clusterId,
        new (alibabaSdk().CsModels.DescribeClusterTasksRequest)({ pageNumber, pageSize }), {}, this.runtime());
      return (res.body?.tasks ?? []).map((t) => ({
        taskId: t.taskId ?? '', taskType: t.taskType ?? '', state: t.state ?? '', created: t.created ?? '',
      }));
    });
  }

  describeClusterNodes(clusterId: string, query: ClusterNodesQuery): Promise<{ nodes: AckClusterNode[]; totalCount: number }> {
    return this.observed('DescribeClusterNodes', 'read', async () => {
      const request = new (alibabaSdk().CsModels.DescribeClusterNodesRequest)({
        pageNumber: String(query.pageNumber),
        pageSize: String(query.pageSize),
        ...(query.instanceIds === undefined ? {} : { instanceIds: query.instanceIds.join(',') }),
        ...(query.nodepoolId === undefined ? {} : { nodepoolId: query.nodepoolId }),
      });
      const res = await this.client.describeClusterNodesWithOptions(clusterId, request, {}, this.runtime());
      const nodes = (res.body?.nodes ?? []).map((n) => ({ instanceId: n.instanceId ?? '', nodeName: n.nodeName ?? '', state: n.state ?? '', nodepoolId: n.nodepoolId ?? '' }));
      return { nodes, totalCount: res.body?.page?.totalCount ?? nodes.length };
    });
  }

  describeNodePool(clusterId: string, nodepoolId: string): Promise<AckNodePool> {
    return this.observed('DescribeClusterNodePoolDetail', 'read', async () => {
      const res = await this.client.describeClusterNodePoolDetailWithOptions(clusterId, nodepoolId, {}, this.runtime());
      return toNodePool(nodepoolId, res.body);
    });
  }

  // Through callApi, like ScaleOutCluster: the typed ModifyClusterNodePoolRequest serializes every
  // section it holds, and the body must be exactly {"scaling_group":{"desired_size":N}}.
  setNodePoolDesiredSize(clusterId: string, nodepoolId: string, desiredSize: number): Promise<NodePoolWriteAccepted> {
    return this.observed('ModifyClusterNodePool', 'mutation', async () => {
      const { OpenApi } = alibabaSdk();
      const params = new OpenApi.Params({
        action: 'ModifyClusterNodePool', version: API_VERSION, protocol: this.options.endpoint.protocol.toUpperCase(),
        pathname: `/clusters/${encodeURIComponent(clusterId)}/nodepools/${encodeURIComponent(nodepoolId)}`, method: 'PUT', authType: 'AK',
        style: 'ROA', reqBodyType: 'json', bodyType: 'json',
      });
      const request = new OpenApi.OpenApiRequest({ body: { scaling_group: { desired_size: desiredSize } } });
      const res = (await this.client.callApi(params, request, this.runtime())) as { body?: Record<string, unknown> };
      const taskId = str(res.body?.task_id);
      if (!taskId) throw new Error('ModifyClusterNodePool answered without a task_id');
      return { taskId, requestId: str(res.body?.request_id) };
    });
  }

  removeNodePoolNodes(clusterId: string, nodepoolId: string, instanceIds: readonly string[]): Promise<NodeRemovalAccepted> {
    return this.observed('RemoveNodePoolNodes', 'mutation', async () => {
      const request = new (alibabaSdk().CsModels.RemoveNodePoolNodesRequest)({ instanceIds: [...instanceIds], releaseNode: true, drainNode: false });
      const res = await this.client.removeNodePoolNodesWithOptions(clusterId, nodepoolId, request, {}, this.runtime());
      return accepted('RemoveNodePoolNodes', res.body?.taskId, res.body?.requestId);
    });
  }

  deleteClusterNodes(clusterId: string, nodeNames: readonly string[]): Promise<NodeRemovalAccepted> {
    return this.observed('DeleteClusterNodes', 'mutation', async () => {
      const request = new (alibabaSdk().CsModels.DeleteClusterNodesRequest)({ nodes: [...nodeNames], releaseNode: true, drainNode: false });
      const res = await this.client.deleteClusterNodesWithOptions(clusterId, request, {}, this.runtime());
      return accepted('DeleteClusterNodes', res.body?.taskId, res.body?.requestId);
    });
  }
}

function accepted(action: string, taskId: string | undefined, requestId: string | undefined): NodeRemovalAccepted {
  if (!taskId) throw new Error(`${action} answered without a task_id`);
  return { taskId, requestId: requestId ?? '' };
}
