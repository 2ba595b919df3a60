// client-node's KubeConfig (kubeconfig files, in-cluster service account, exec / OIDC / cloud auth
// plugins) without the rest of client-node. Its config.js imports the package's generated index for
// two names, createConfiguration and ServerConfiguration, and that index loads every generated API
// and all ~750 models: about 30 MiB of RSS in a process that calls eight endpoints
// (docs/benchmarks.md, footprint). ESM evaluates every static import, so the only way to get the
// class without the index is to hand config.js — and only config.js — another module for
// './gen/index.js': a resolve hook, active while config.js loads, points it at
// client-node-gen-index.ts, which re-exports those names from the files that define them. Anything
// else importing the index
// (tests, the simulator, kubectl-like tools) still gets the real one; if the index was loaded
// first, config.js is already cached and this is a plain import.
import { createRequire, registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

type ConfigModule = typeof import('@kubernetes/client-node/dist/config.js');

// require(), not import(): loading synchronously keeps this module free of top-level await, which
// a CommonJS loader (mocha under tsx) cannot load. Node 24 require()s ES modules; under tsx the same
// hook also applies when tsx compiles config.js to CommonJS.
const require = createRequire(import.meta.url);
const CONFIG_URL = pathToFileURL(require.resolve('@kubernetes/client-node/dist/config.js')).href;

/** The specifier config.js imports the generated index by (client-node 2.0.1, pinned). */
export const GEN_INDEX_SPECIFIER = './gen/index.js';

/** The module config.js gets instead (client-node-gen-index.ts; resolved like this file, from source or dist). */
export const GEN_INDEX_STAND_IN_URL = pathToFileURL(require.resolve('./client-node-gen-index.js')).href;

function loadConfigModule(): ConfigModule {
  const hooks = registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier === GEN_INDEX_SPECIFIER && context.parentURL === CONFIG_URL) return { url: GEN_INDEX_STAND_IN_URL, shortCircuit: true };
      return nextResolve(specifier, context);
    },
  });
  try {
    return require('@kubernetes/client-node/dist/config.js') as ConfigModule;
  } finally {
    hooks.deregister();
  }
}

export const { KubeConfig, bufferFromFileOrString } = loadConfigModule();
export type KubeConfig = import('@kubernetes/client-node/dist/config.js').KubeConfig;
