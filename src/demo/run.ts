import { execFile } from 'node:child_process';

/** Runs a command; rejects with its stderr when it fails. */
export function run(binary: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(binary, args, (err, stdout, stderr) => {
      if (err) reject(new Error(`${binary} ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
