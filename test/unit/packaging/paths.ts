// Where the packaging artefacts live, for the packaging tests.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const chartDir = join(repoRoot, 'deploy', 'helm', 'sandbox-capacity-operator');
export const crdChartDir = join(repoRoot, 'deploy', 'helm', 'sandbox-capacity-operator-crd');
export const argocdDir = join(repoRoot, 'deploy', 'argocd');
export const crdFile = join(repoRoot, 'crds', 'sandboxcapacities.capacity.sandbox.dev.yaml');
