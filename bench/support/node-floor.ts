// The floor of any Node.js process: `node <flags> -e` doing nothing, with the operator's own
// Node.js flags, measured in the same run as the operator so machine and page-cache state match.
import { spawn } from 'node:child_process';
import { sleep } from './clock.js';
import { processMemory, type ProcessMemory } from './operator-process.js';

/** How long the empty process runs before its RSS is read: startup is done well within this. */
const SETTLE_MS = 3_000;

export interface NodeFloor {
  /** The command measured, as it would be typed (for the report). */
  command: string;
  memory: ProcessMemory;
}

export async function measureNodeFloor(nodeArgs: readonly string[]): Promise<NodeFloor> {
  const script = 'setInterval(() => {}, 1 << 30)';
  const child = spawn(process.execPath, [...nodeArgs, '-e', script], { stdio: 'ignore' });
  try {
    await sleep(SETTLE_MS);
    if (child.exitCode !== null) throw new Error(`node -e exited with code ${child.exitCode}`);
    return { command: ['node', ...nodeArgs, '-e', `'${script}'`].join(' '), memory: processMemory(child.pid ?? 0) };
  } finally {
    child.kill('SIGKILL');
  }
}
