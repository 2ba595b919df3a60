import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../../src/config.js';
import { parseCopy, parseDockerfile, type Stage } from './dockerfile-stages.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dockerfileText = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const { stages } = parseDockerfile(dockerfileText);
const dockerfilelint = join(repoRoot, 'node_modules', '.bin', 'dockerfilelint');

interface LintReport { totalIssues: number; files: { issues: { line: string; title: string }[] }[] }

function lint(path: string): Promise<{ code: number; report: LintReport }> {
  return new Promise((resolve, reject) => {
    // -c: the same .dockerfilelintrc lookup (repo root) for the real file and the counter-example.
    execFile(dockerfilelint, ['-j', '-c', repoRoot, path], (err, stdout) => {
      try {
        resolve({ code: err ? Number(err.code) : 0, report: JSON.parse(stdout) as LintReport });
      } catch (parseError) {
        reject(parseError instanceof Error ? parseError : new Error(String(parseError)));
      }
    });
  });
}

function stageNamed(name: string): Stage {
  const stage = stages.find((s) => s.name === name);
  if (!stage) throw new Error(`Dockerfile has no stage "${name}"`);
  return stage;
}

const runtime = (): Stage => {
  const last = stages.at(-1);
  if (!last) throw new Error('Dockerfile has no stage');
  return last;
};
const args = (stage: Stage, keyword: string): string[] => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('Dockerfile', () => {
  it('passes dockerfilelint with no issues', async () => {
    const { code, report } = await lint(join(repoRoot, 'Dockerfile'));
    expect(report.files[0]?.issues ?? []).to.deep.equal([]);
    expect(code).to.equal(0);
  });

  it('is linted by rules that do fire (a latest tag and sudo are reported)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sco-dockerfile-'));
    try {
      writeFileSync(join(dir, 'Dockerfile'), 'FROM node:latest\nRUN sudo npm ci\n');
      const { code, report } = await lint(join(dir, 'Dockerfile'));
      expect(code).to.not.equal(0);
      expect(report.files[0]?.issues.map((i) => i.line)).to.have.members(['1', '2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('compiles with the full Node.js 26 image, dev dependencies included', () => {
    const build = stageNamed('build');
    expect(build.base).to.match(/^node:26(-trixie)?(@sha256:[0-9a-f]{64})?$/);
    expect(args(build, 'RUN')).to.include.members(['npm ci --no-audit --no-fund', 'npm run build']);
  });

  it('installs the production dependency set alone from the lockfile', () => {
    const deps = stageNamed('prod-deps');
    expect(deps.base).to.match(/^node:26/);
    expect(args(deps, 'COPY').map(parseCopy).flatMap((c) => c.sources)).to.have.members(['package.json', 'package-lock.json']);
    expect(args(deps, 'RUN').join('\n')).to.match(/^npm ci --omit=dev\b/m);
  });

  it('runs on distroless Node.js 26 with no shell step in the runtime stage', () => {
    expect(runtime().base).to.match(/^gcr\.io\/distroless\/nodejs26-debian13(:nonroot)?(@sha256:[0-9a-f]{64})?$/);
    expect(args(runtime(), 'RUN')).to.deep.equal([]);
  });

  it('copies only dist/, the production node_modules/ and package.json into the runtime stage', () => {
    const copies = args(runtime(), 'COPY').map(parseCopy);
    const summary = copies.map((c) => `${c.from ?? 'context'}:${c.sources.join(',')}`);
    expect(summary).to.have.members(['prod-deps:/prod/node_modules', 'build:/src/dist', 'context:package.json']);
    expect(args(runtime(), 'ADD')).to.deep.equal([]);
    // package.json is needed at runtime: it declares dist/*.js as ES modules.
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { type?: string };
    expect(pkg.type).to.equal('module');
  });

  it('runs the controller as a numeric non-root user through an exec-form ENTRYPOINT', () => {
    expect(args(runtime(), 'USER')).to.deep.equal(['65532:65532']);
    expect(args(runtime(), 'WORKDIR')).to.deep.equal(['/app']);
    const entrypoints = args(runtime(), 'ENTRYPOINT');
    expect(entrypoints).to.have.length(1);
    expect(JSON.parse(entrypoints[0] ?? '')).to.deep.equal(['/nodejs/bin/node', 'dist/main.js']);
    expect(args(runtime(), 'CMD')).to.deep.equal([]);
  });

  it('exposes the default metrics and probe ports of the operator', () => {
    const defaults = parseConfig([], {});
    if (defaults === 'help' || defaults === 'version') throw new Error('unexpected help');
    const port = (bind: string): string => bind.slice(bind.lastIndexOf(':') + 1);
    const exposed = args(runtime(), 'EXPOSE').flatMap((a) => a.split(/\s+/));
    expect(exposed).to.have.members([port(defaults.metricsBindAddress), port(defaults.healthProbeBindAddress)]);
  });

  it('carries the OCI image labels', () => {
    const labels = args(runtime(), 'LABEL').join(' ');
    for (const key of ['title', 'description', 'licenses', 'version', 'revision', 'created', 'source']) {
      expect(labels).to.match(new RegExp(`org\\.opencontainers\\.image\\.${key}="[^"]+"`), key);
    }
    expect(labels).to.include('org.opencontainers.image.licenses="Apache-2.0"');
  });
});

describe('.dockerignore', () => {
  const lines = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

  it('excludes everything by default', () => {
    expect(lines[0]).to.equal('*');
  });

  it('lets in exactly the build-context files the Dockerfile copies', () => {
    const contextSources = stages.flatMap((s) => args(s, 'COPY').map(parseCopy)).filter((c) => c.from === undefined).flatMap((c) => c.sources);
    const allowed = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    expect([...new Set(contextSources)]).to.have.members(allowed);
  });
});
