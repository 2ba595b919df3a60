// What is running: the package version (for --version and the build_info metric) and Node's.
// Read from package.json at start-up rather than compiled in, so `npm version` is the one place
// a release changes it; package.json sits one level above both src/ (tsx) and dist/ (the image
// copies it next to dist/).
import { readFileSync } from 'node:fs';

export interface BuildInfo {
  version: string;
  nodeVersion: string;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const BUILD_INFO: Readonly<BuildInfo> = Object.freeze({ version: packageVersion(), nodeVersion: process.version });
