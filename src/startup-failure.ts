// Why the controller could not start, as one log record an operator can act on: what failed, the
// flag and path or address to fix, and the underlying error, instead of a stack trace.
import type { OperatorConfig } from './config.js';
import { loadKubeConfig } from './kube/clients.js';
import { parseBindAddress } from './observability/http-endpoints.js';

export interface StartupFailure {
  /** Constant per kind of failure. */
  message: string;
  fields: Record<string, unknown>;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Loads the kubeconfig the way startOperator will, so a missing, unreadable or malformed file
 * (or one without a current cluster) is reported against --kubeconfig before anything starts.
 */
export function checkKubeconfig(config: Pick<OperatorConfig, 'kubeconfig'>): StartupFailure | undefined {
  const where = config.kubeconfig !== undefined
    ? { flag: '--kubeconfig', path: config.kubeconfig }
    : { flag: '--kubeconfig', path: 'default: in-cluster, then $KUBECONFIG, then ~/.kube/config' };
  try {
    const kubeConfig = loadKubeConfig(config.kubeconfig);
    if (kubeConfig.getCurrentCluster()) return undefined;
    return { message: 'cannot load the kubeconfig', fields: { ...where, error: `no current cluster (current-context: "${kubeConfig.getCurrentContext()}")` } };
  } catch (err) {
    return { message: 'cannot load the kubeconfig', fields: { ...where, error: errorText(err) } };
  }
}

const LISTEN_CODES = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES']);

/** The flag whose address a failed listen() was for, matched by port. */
function bindFlag(port: unknown, config: Pick<OperatorConfig, 'metricsBindAddress' | 'healthProbeBindAddress'>): Record<string, unknown> {
  const flags = [
    ['--metrics-bind-address', config.metricsBindAddress],
    ['--health-probe-bind-address', config.healthProbeBindAddress],
  ] as const;
  const match = flags.find(([, bind]) => parseBindAddress(bind)?.port === port);
  return match ? { flag: match[0], address: match[1] } : {};
}

export function describeStartupFailure(err: unknown, config: OperatorConfig): StartupFailure {
  const { code, syscall, port } = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; syscall?: unknown; port?: unknown };
  if (syscall === 'listen' && typeof code === 'string' && LISTEN_CODES.has(code)) {
    return { message: 'cannot listen on the bind address', fields: { ...bindFlag(port, config), code, error: errorText(err) } };
  }
  const stack = err instanceof Error ? err.stack : undefined;
  return { message: 'start-up failed', fields: { error: errorText(err), ...(stack !== undefined ? { stack } : {}) } };
}
