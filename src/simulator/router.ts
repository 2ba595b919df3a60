// ACK routes (ack-api.md §10.2, ack-nodepool.md): matched on method and path, then cross-checked against the signed
// x-acs-action and x-acs-version headers.
import {
  describeClusterNodes,
  describeClusterTasks,
  describeTaskInfo,
  scaleOutCluster,
  type AckHandler,
} from './ack-handlers.js';
import { AckError } from './errors.js';
import {
  deleteClusterNodes,
  describeClusterNodePoolDetail,
  describeClusterNodePools,
  modifyClusterNodePool,
  removeNodePoolNodes,
  scaleClusterNodePool,
} from './node-pool-handlers.js';

export const API_VERSION = '2015-12-15';

export interface AckRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pattern: RegExp;
  paramNames: readonly string[];
  action: string;
  handler: AckHandler;
}

/** `/clusters/{ClusterId}/nodepools/{NodepoolId}` with one method. */
function poolRoute(method: AckRoute['method'], action: string, handler: AckHandler): AckRoute[] {
  return [{ method, pattern: /^\/clusters\/([^/]+)\/nodepools\/([^/]+)$/, paramNames: ['clusterId', 'nodepoolId'], action, handler }];
}

export const ACK_ROUTES: readonly AckRoute[] = [
  {
    method: 'POST',
    pattern: /^\/api\/v2\/clusters\/([^/]+)$/,
    paramNames: ['clusterId'],
    action: 'ScaleOutCluster',
    handler: scaleOutCluster,
  },
  { method: 'GET', pattern: /^\/tasks\/([^/]+)$/, paramNames: ['taskId'], action: 'DescribeTaskInfo', handler: describeTaskInfo },
  {
    method: 'GET',
    pattern: /^\/clusters\/([^/]+)\/tasks$/,
    paramNames: ['clusterId'],
    action: 'DescribeClusterTasks',
    handler: describeClusterTasks,
  },
  {
    method: 'GET',
    pattern: /^\/clusters\/([^/]+)\/nodes$/,
    paramNames: ['clusterId'],
    action: 'DescribeClusterNodes',
    handler: describeClusterNodes,
  },
  {
    method: 'POST',
    pattern: /^\/clusters\/([^/]+)\/nodes$/,
    paramNames: ['clusterId'],
    action: 'DeleteClusterNodes',
    handler: deleteClusterNodes,
  },
  {
    method: 'GET',
    pattern: /^\/clusters\/([^/]+)\/nodepools$/,
    paramNames: ['clusterId'],
    action: 'DescribeClusterNodePools',
    handler: describeClusterNodePools,
  },
  ...poolRoute('GET', 'DescribeClusterNodePoolDetail', describeClusterNodePoolDetail),
  ...poolRoute('PUT', 'ModifyClusterNodePool', modifyClusterNodePool),
  ...poolRoute('POST', 'ScaleClusterNodePool', scaleClusterNodePool),
  {
    method: 'DELETE',
    pattern: /^\/clusters\/([^/]+)\/nodepools\/([^/]+)\/nodes$/,
    paramNames: ['clusterId', 'nodepoolId'],
    action: 'RemoveNodePoolNodes',
    handler: removeNodePoolNodes,
  },
];

export interface MatchedRoute {
  route: AckRoute;
  params: Record<string, string>;
}

function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function matchRoute(method: string, rawPath: string): MatchedRoute | undefined {
  for (const route of ACK_ROUTES) {
    const match = route.method === method ? route.pattern.exec(rawPath) : null;
    if (match) {
      const params = Object.fromEntries(route.paramNames.map((name, index) => [name, decodeParam(match[index + 1] ?? '')]));
      return { route, params };
    }
  }
  return undefined;
}

/** The route of the request, refusing unknown paths and a signed action or version that disagree with it. */
export function resolveRoute(method: string, rawPath: string, action: string | undefined, version: string | undefined): MatchedRoute {
  const matched = matchRoute(method, rawPath);
  if (matched === undefined) {
    throw new AckError(404, 'InvalidAction.NotFound', `Specified api is not found, please check your url and method: ${method} ${rawPath}`);
  }
  if (action !== matched.route.action) {
    throw new AckError(
      400,
      'InvalidAction.Mismatch',
      `x-acs-action "${action ?? ''}" does not match ${method} ${rawPath}, which is ${matched.route.action}`,
    );
  }
  if (version !== API_VERSION) {
    throw new AckError(400, 'InvalidVersion', `Specified parameter Version is not valid: x-acs-version "${version ?? ''}" (expected ${API_VERSION})`);
  }
  return matched;
}
