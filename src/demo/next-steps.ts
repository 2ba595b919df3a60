import type { LocalControlPlane } from '../local-control-plane/control-plane.js';

/** What to try next, with the exact commands for this run. */
export function nextSteps(cp: LocalControlPlane, simulatorUrl: string, namespace: string, name: string): string {
  const k = `${cp.assets.kubectl} --kubeconfig ${cp.kubeconfigPath}`;
  return [
    '',
    'Play on (in another terminal; this view keeps updating):',
    `  ${k} get sbc -n ${namespace}`,
    `  ${k} describe sbc ${name} -n ${namespace}`,
    `  ${k} get nodes -L topology.kubernetes.io/zone`,
    `  ${k} scale sbc/${name} -n ${namespace} --replicas=5      # exactly 2 more nodes are requested`,
    `  ${k} delete node <one of them>                              # one replacement is requested`,
    'Fault injection (the simulator admin API, see docs/simulator.md), e.g. throttle the next 3 calls:',
    '  curl -X POST <simulator>/_sim/faults -d \'{"kind":"throttling","action":"ScaleOutCluster","times":3}\'',
    'Ctrl-C stops everything and removes the temporary files.',
  ].join('\n');
}
