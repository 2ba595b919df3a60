// The ScaleOutCluster-era CS OpenAPI calls (scale-out, tasks, nodes), on top of SimulatorState;
// the node pool calls are in node-pool-handlers.ts.
import { filterClusterNodes } from './node-query.js';
import { invalidParameter, taskNotFound } from './errors.js';
import type { FaultDecision } from './fault-types.js';
import { pageOf, readPage } from './paging.js';
import type { SimulatorState } from './simulator-state.js';
import { clusterNodeView, taskInfoView, taskSummaryView } from './views.js';

export interface AckCall {
  params: Readonly<Record<string, string>>;
  query: ReadonlyMap<string, string>;
  body: Buffer;
  requestId: string;
  now: number;
  faults: FaultDecision;
  state: SimulatorState;
  /** Kinds of faults the handler met (e.g. a stock-out found after validation), for the record. */
  applied: string[];
}

export interface AckReply {
  status: number;
  body: Record<string, unknown>;
  /** Set when the call created a task. */
  taskId?: string;
}

export type AckHandler = (call: AckCall) => AckReply;

export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') {
    throw invalidParameter('body', 'is required: send the parameters as a JSON object');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidParameter('body', 'is not valid JSON');
  }
}

export const scaleOutCluster: AckHandler = (call) => {
  const clusterId = call.params.clusterId ?? '';
  call.state.clusters.require(clusterId);
  const task = call.state.scaleOut({
    clusterId,
    body: parseJsonBody(call.body),
    requestId: call.requestId,
    now: call.now,
    faults: call.faults,
    applied: call.applied,
  });
  return {
    status: 202,
    body: { cluster_id: clusterId, request_id: call.requestId, task_id: task.taskId },
    taskId: task.taskId,
  };
};

export const describeTaskInfo: AckHandler = (call) => {
  const taskId = call.params.taskId ?? '';
  const task = call.state.tasks.get(taskId);
  if (task === undefined) {
    throw taskNotFound(taskId);
  }
  return { status: 200, body: taskInfoView(task) };
};

function tokenOffset(token: string | undefined): number {
  if (token === undefined || token === '') {
    return 0;
  }
  const offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) {
    throw invalidParameter('next_token', 'is not a token returned by this API');
  }
  return offset;
}

export const describeClusterTasks: AckHandler = (call) => {
  const cluster = call.state.clusters.require(call.params.clusterId ?? '');
  const tasks = call.state.tasks.list(cluster.config.clusterId);
  const maxResults = call.query.get('max_results');
  const page = readPage(call.query, { numberKey: 'page_number', sizeKey: 'page_size', defaultSize: 10, maxSize: 100 });
  let selected = pageOf(tasks, page);
  let nextToken = '';
  if (maxResults !== undefined) {
    const offset = tokenOffset(call.query.get('next_token'));
    const size = readPage(new Map([['max_results', maxResults]]), {
      numberKey: 'unused',
      sizeKey: 'max_results',
      defaultSize: 10,
      maxSize: 100,
    }).pageSize;
    selected = tasks.slice(offset, offset + size);
    nextToken = offset + size < tasks.length ? Buffer.from(String(offset + size)).toString('base64url') : '';
  }
  return {
    status: 200,
    body: {
      tasks: selected.map(taskSummaryView),
      page_info: { page_number: page.pageNumber, page_size: page.pageSize, total_count: tasks.length },
      next_token: nextToken,
      requestId: call.requestId,
    },
  };
};

export const describeClusterNodes: AckHandler = (call) => {
  const cluster = call.state.clusters.require(call.params.clusterId ?? '');
  const page = readPage(call.query, { numberKey: 'pageNumber', sizeKey: 'pageSize', defaultSize: 10, maxSize: 100 });
  const nodes = filterClusterNodes(cluster, call.query);
  return {
    status: 200,
    body: {
      nodes: pageOf(nodes, page).map((instance) => clusterNodeView(instance, cluster)),
      page: { page_number: page.pageNumber, page_size: page.pageSize, total_count: nodes.length },
    },
  };
};
