// Renders what a SandboxCapacity says about itself as a few terminal lines: desired vs. ready vs.
// in-flight nodes, the latest tasks and the conditions. Pure: the demo loop prints the result.
import type { SandboxCapacity } from '../api/sandbox-capacity.js';

export function isConverged(sc: SandboxCapacity): boolean {
  const s = sc.status;
  const ready = s?.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' && (s?.inFlightReplicas ?? 0) === 0 && (s?.readyReplicas ?? 0) >= sc.spec.replicas;
}

function detailLines(sc: SandboxCapacity): string[] {
  const s = sc.status ?? {};
  const lines: string[] = [];
  if (s.nodePool !== undefined) lines.push(poolLine(s.nodePool));
  for (const t of (s.tasks ?? []).slice(0, 5)) {
    lines.push(`  task ${t.taskId ?? '(requesting)'}  ${t.state.padEnd(10)} ${t.count} node(s)  ${t.message ?? ''}`.trimEnd());
  }
  for (const c of s.conditions ?? []) {
    lines.push(`  ${c.type.padEnd(11)} ${c.status.padEnd(5)} ${c.reason}: ${c.message}`);
  }
  if (s.lastDecision) lines.push(`  last decision: ${s.lastDecision.action} (${s.lastDecision.reason})`);
  return lines;
}

/** Node-pool mode: the pool as last read, and the absolute size the operator last wrote. */
function poolLine(pool: NonNullable<NonNullable<SandboxCapacity['status']>['nodePool']>): string {
  const write = pool.lastWrite === undefined ? '' : `   last write ${pool.lastWrite.desiredSize} (task ${pool.lastWrite.taskId ?? 'not yet answered'})`;
  return `  node pool ${pool.nodepoolId}  ${pool.state}  desired ${pool.desiredSize}  total ${pool.totalNodes}  healthy ${pool.healthyNodes}${write}`;
}

export interface View {
  /** Changes every time (the elapsed time): not a change worth a new entry in a log. */
  header: string;
  body: string[];
}

export function renderCapacity(sc: SandboxCapacity, elapsedS: number): View {
  const s = sc.status ?? {};
  return {
    header: `${sc.metadata.namespace}/${sc.metadata.name}  (cluster ${sc.spec.clusterId}, ${elapsedS.toFixed(0)}s)`,
    body: [
      `  desired ${sc.spec.replicas}   live ${s.replicas ?? 0}   ready ${s.readyReplicas ?? 0}   in-flight ${s.inFlightReplicas ?? 0}` +
        (sc.spec.paused ? '   [paused]' : ''),
      ...detailLines(sc),
    ],
  };
}

/** The resource is gone (someone deleted it): say so, and how to bring it back. */
export function renderDeleted(resource: { namespace: string; name: string }, manifest: string, elapsedS: number): View {
  return {
    header: `${resource.namespace}/${resource.name}  (${elapsedS.toFixed(0)}s)`,
    body: [
      '  deleted — kubectl apply it again; its nodes stay, and this view picks it up:',
      `  kubectl apply -f ${manifest}`,
    ],
  };
}
