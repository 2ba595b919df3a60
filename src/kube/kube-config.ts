// client-node's KubeConfig (kubeconfig files, in-cluster service account, exec / OIDC / cloud auth
// plugins) without the rest of client-node. Its config.js imports the package's generated index for
// two names, createConfiguration and ServerConfiguration, and that index loads every generated API
// and all ~750 models: about 30 MiB of RSS in a process that calls eight endpoints
// (docs/benchmarks.md, footprint). ESM evaluates every static import, so the only way to get the
// class without the index is to hand config.js — and only config.js — another module for
// './gen/index.js': a resolve hook, active while config.js loads, points it at a two-line module
// that re-exports those names from the files that define them. Anything else importing the index
// (tests, the simulator, kubectl-like tools) still gets the real one; if the index was loaded
// first, config.js is already cached and this is a plain import.
import { registerHooks } from 'node:module';

const CONFIG_URL = import.meta.resolve('@kubernetes/client-node/dist/config.js');

/** The specifier config.js imports the generated index by (client-node 2.0.1, pinned). */
export const GEN_INDEX_SPECIFIER = './gen/index.js';

/**
 * What config.js takes from the generated index, and the module that defines each. A name missing
 * here fails at startup with "does not provide an export named …", never silently; a unit test
 * compares this list with config.js's import line.
 */
export const GEN_INDEX_NAMES: Readonly<Record<string, string>> = {
  createConfiguration: './gen/configuration.js',
  ServerConfiguration: './gen/servers.js',
};

/** The stand-in for the generated index, as a data: URL (absolute imports only: data: has no base). */
export function slimGenIndexUrl(configUrl: string = CONFIG_URL): string {
  const lines = Object.entries(GEN_INDEX_NAMES).map(
    ([name, file]) => `export { ${name} } from ${JSON.stringify(new URL(file, configUrl).href)};`,
  );
  return `data:text/javascript,${encodeURIComponent(lines.join('\n'))}`;
}

async function importKubeConfig(): Promise<typeof import('@kubernetes/client-node/dist/config.js')> {
  const slim = slimGenIndexUrl();
  const hooks = registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === GEN_INDEX_SPECIFIER && context.parentURL === CONFIG_URL) return { url: slim, format: 'module', shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
  try {
    return await import('@kubernetes/client-node/dist/config.js');
  } finally {
    hooks.deregister();
  }
}

export const { KubeConfig, bufferFromFileOrString } = await importKubeConfig();
export type KubeConfig = import('@kubernetes/client-node/dist/config.js').KubeConfig;
