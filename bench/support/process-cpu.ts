// CPU used by the processes of a run (the operator, kube-apiserver, etcd, this bench), from /proc:
// on a shared 2-core machine the question "what limits the figure" is answered by who burns the CPU.
import { readdirSync, readFileSync } from 'node:fs';
import { processCpuSeconds } from './operator-process.js';

export interface NamedProcess {
  name: string;
  pid: number;
}

function statOf(pid: number): { comm: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { comm, ppid };
  } catch {
    return undefined;
  }
}

/** This process's children named etcd or kube-apiserver (the local control plane). */
export function controlPlaneProcesses(): NamedProcess[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).flatMap((pid) => {
    const stat = statOf(pid);
    return stat && stat.ppid === process.pid && (stat.comm === 'etcd' || stat.comm === 'kube-apiserver') ? [{ name: stat.comm, pid }] : [];
  });
}

/** CPU seconds per process name, so two snapshots give each one's share over a window. */
export function cpuSnapshot(processes: readonly NamedProcess[]): Record<string, number> {
  const snapshot: Record<string, number> = {};
  for (const p of processes) {
    try {
      snapshot[p.name] = (snapshot[p.name] ?? 0) + processCpuSeconds(p.pid);
    } catch {
      snapshot[p.name] = NaN;
    }
  }
  return snapshot;
}

/** Percent of one core each process used between two snapshots. */
export function cpuPercent(before: Record<string, number>, after: Record<string, number>, seconds: number): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((name) => [name, Math.round((((after[name] ?? 0) - (before[name] ?? 0)) / seconds) * 1000) / 10]));
}
