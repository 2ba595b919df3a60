// What to try once the demo has converged, as commands that run when pasted into another
// terminal: two exports instead of absolute paths on every line, every URL filled in, and the
// fault rules written as JSON the simulator's admin API accepts (a unit test parses each one).
import type { FaultRuleInput } from '../simulator/index.js';

export interface PlayContext {
  kubeconfigPath: string;
  /** The folder holding the kubectl of this run. */
  kubectlDir: string;
  /** e.g. http://127.0.0.1:40123, the simulator's address (its admin API is under /_sim). */
  simulatorUrl: string;
  /** e.g. http://127.0.0.1:40124/metrics; absent when the operator did not report its address. */
  metricsUrl: string | undefined;
  namespace: string;
  name: string;
  /** Absolute path of the applied manifest. */
  manifest: string;
}

/** Each fault acts on the next scale-out, so scale up after adding one. */
export const FAULT_EXAMPLES: readonly { effect: string; rule: FaultRuleInput }[] = [
  { effect: 'throttle the next 3 ScaleOutCluster calls: the operator backs off and retries', rule: { kind: 'throttle', action: 'ScaleOutCluster', times: 3 } },
  { effect: 'accept the next scale-out but lose the answer: the operator finds its task in ACK\'s task list', rule: { kind: 'lost-response', action: 'ScaleOutCluster', times: 1 } },
  { effect: 'fail half of the next task\'s nodes: the operator requests the missing ones again', rule: { kind: 'task-fail', failFraction: 0.5, times: 1 } },
];

export function nextSteps(ctx: PlayContext): string {
  const sbc = `sbc ${ctx.name} -n ${ctx.namespace}`;
  const faults = `${ctx.simulatorUrl}/_sim/faults`;
  return [
    '',
    'Play on in another terminal (this view keeps updating):',
    `  export KUBECONFIG=${ctx.kubeconfigPath}`,
    `  export PATH=${ctx.kubectlDir}:$PATH`,
    `  kubectl get sbc -n ${ctx.namespace}`,
    `  kubectl describe ${sbc}`,
    '  kubectl get nodes -L topology.kubernetes.io/zone',
    '  # exactly 2 more nodes are requested',
    `  kubectl scale sbc/${ctx.name} -n ${ctx.namespace} --replicas=5`,
    '  # delete a node: one replacement is requested',
    '  kubectl delete "$(kubectl get nodes -o name | head -n 1)"',
    '  # delete the resource (its nodes stay), then apply it again',
    `  kubectl delete ${sbc}`,
    `  kubectl apply -f ${ctx.manifest}`,
    'Faults, through the ACK simulator\'s admin API (docs/simulator.md); then scale up to see them:',
    ...FAULT_EXAMPLES.flatMap(({ effect, rule }) => [`  # ${effect}`, `  curl -s -X POST ${faults} -d '${JSON.stringify(rule)}'`]),
    '  # the rules, and how often each fired',
    `  curl -s ${faults}`,
    ...(ctx.metricsUrl ? ['The operator\'s metrics:', `  curl -s ${ctx.metricsUrl} | grep ^sandbox_capacity_`] : []),
    'Ctrl-C stops everything and removes the temporary files.',
  ].join('\n');
}
