import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as standIn from '../../../src/kube/client-node-gen-index.js';
import { GEN_INDEX_SPECIFIER } from '../../../src/kube/kube-config.js';

const repoRoot = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const configJs = join(repoRoot, 'node_modules', '@kubernetes', 'client-node', 'dist', 'config.js');

/**
 * In a fresh process: import `module`, then list which of client-node's files were loaded, as ES
 * modules (seen by a load hook) or as CommonJS (require.cache: tsx compiles what is require()d).
 */
async function clientNodeFilesLoadedBy(module: string, then = ''): Promise<string[]> {
  const script = `
    import { createRequire, registerHooks } from 'node:module';
    import { fileURLToPath } from 'node:url';
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    const m = await import(${JSON.stringify(module)});
    ${then}
    const files = [...loaded.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u)), ...Object.keys(createRequire(import.meta.url).cache)];
    const dist = [...new Set(files.filter((f) => f.includes('/@kubernetes/client-node/dist/')).map((f) => f.replace(/.*\\/client-node\\/dist\\//, '')))];
    console.log(JSON.stringify(dist));
  `;
  const tsx = module.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const { stdout } = await promisify(execFile)(process.execPath, [...tsx, '--input-type=module', '-e', script], { cwd: repoRoot });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[];
}

describe("client-node's KubeConfig without its generated index (kube-config.ts)", function () {
  this.timeout(60_000);

  it("stands in for every name config.js imports from the generated index (client-node's pinned version)", () => {
    const source = readFileSync(configJs, 'utf8');
    const line = new RegExp(`import \\{([^}]*)\\} from '${GEN_INDEX_SPECIFIER.replace(/[./]/g, '\\$&')}'`).exec(source);
    expect(line, `config.js no longer imports ${GEN_INDEX_SPECIFIER}`).to.not.equal(null);
    const names = (line?.[1] ?? '').split(',').map((n) => n.trim()).filter(Boolean).sort();
    expect(Object.keys(standIn).sort()).to.deep.equal(names);
  });

  it("exports the same definitions as client-node's index", async () => {
    // Same name and shape (under tsx the stand-in may be a CommonJS copy of the file the index loads as ESM).
    const index = (await import('@kubernetes/client-node')) as unknown as Record<string, { name: string; prototype?: object }>;
    const shape = (f: { name: string; prototype?: object }): unknown => [f.name, Object.getOwnPropertyNames(f.prototype ?? {}).sort()];
    for (const [name, value] of Object.entries(standIn)) {
      const fromIndex = index[name];
      expect(fromIndex, name).to.be.a('function');
      expect(shape(value), name).to.deep.equal(shape(fromIndex ?? { name: '' }));
    }
  });

  it("lets the operator's clients load a few dozen of client-node's files instead of all of them", async () => {
    const loaded = await clientNodeFilesLoadedBy(join(repoRoot, 'src', 'kube', 'clients.ts'), `
      const kc = new m.ConnectionReusingKubeConfig();
      kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
      m.createKubeClients(kc);
    `);
    expect(loaded).to.include('config.js').and.include('watch.js');
    expect(loaded.filter((file) => file === 'gen/index.js' || file === 'index.js' || file.startsWith('gen/models/') || file.startsWith('gen/types/'))).to.deep.equal([]);
    expect(loaded.length).to.be.below(40);
  });

  it("keeps the whole controller process off the index: src/operator.ts and all it imports", async () => {
    // A value import from '@kubernetes/client-node' anywhere in the operator's code would load all of it again.
    const loaded = await clientNodeFilesLoadedBy(join(repoRoot, 'src', 'operator.ts'));
    expect(loaded.filter((file) => file === 'gen/index.js' || file === 'index.js' || file.startsWith('gen/models/') || file.startsWith('gen/types/'))).to.deep.equal([]);
  });

  it('loads everything, as before, where the index is imported anyway', async () => {
    const loaded = await clientNodeFilesLoadedBy('@kubernetes/client-node');
    expect(loaded.length).to.be.above(800);
  });
});
