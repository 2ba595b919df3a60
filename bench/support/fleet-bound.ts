// The fleet benchmark's lower bound when running tasks must be refreshed: the earliest time the last
// resource's first request can be sent by any operator on the same budget (a token bucket of `burst`
// tokens refilled at `qps`) that also reads each cluster's task list (one read refreshes all its tasks)
// at least every `refreshEveryMs` once the cluster has a running task, and — with `firstLook` — reads
// each cluster's list once before its first request (the first look a new shortfall needs).
//
// It schedules the tokens itself: every token is spent the moment it exists (idling never helps);
// a list read goes as late as its deadline allows (lazy earliest-deadline-first: now only if waiting
// one more token would make some deadline unmeetable), every other token sends a request. Requests
// fill one cluster before opening the next ('by-cluster'), which keeps the fewest clusters to refresh
// at every moment, so the least budget goes to lists; 'round-robin' is the order the benchmark's
// patches arrive in (resource i in cluster i mod clusters), for comparison. Tasks are assumed to
// outlive the request phase (the benchmark's run 240 s), so no task ends before the last request.
// Pure: no clock, no I/O.

export interface FleetBoundInput {
  clusters: number;
  resourcesPerCluster: number;
  qps: number;
  burst: number;
  /** Longest a running task's state may go unread; Infinity for the requests-only bound. */
  refreshEveryMs: number;
  /** One task-list read per cluster before its first request. */
  firstLook: boolean;
  order: 'by-cluster' | 'round-robin';
}

export interface ScheduledCall {
  atMs: number;
  kind: 'request' | 'list';
  cluster: number;
}

export interface FleetBound {
  /** When the last resource's first request is sent, in seconds. */
  lastRequestSeconds: number;
  /** Task-list reads spent before it (first looks and refreshes). */
  lists: number;
  calls: ScheduledCall[];
}

/** When token `k` (0-based) of the bucket exists: the burst at 0, then one every 1/qps. */
function tokenAtMs(k: number, qps: number, burst: number): number {
  return k < burst ? 0 : ((k - burst + 1) * 1000) / qps;
}

export function fleetBound(input: FleetBoundInput): FleetBound {
  const { clusters, resourcesPerCluster, qps, burst, refreshEveryMs, firstLook, order } = input;
  const total = clusters * resourcesPerCluster;
  const requestOrder = Array.from({ length: total }, (_, i) => (order === 'by-cluster' ? Math.floor(i / resourcesPerCluster) : i % clusters));
  // Per cluster: the oldest moment its tasks' state dates from (undefined: no running task yet), and whether it was looked at.
  const staleSince = new Map<number, number>();
  const looked = new Set<number>();
  const calls: ScheduledCall[] = [];
  let sent = 0;
  let lists = 0;
  for (let k = 0; sent < total; k++) {
    const atMs = tokenAtMs(k, qps, burst);
    const nextMs = tokenAtMs(k + 1, qps, burst);
    const listNow = urgentList(staleSince, refreshEveryMs, nextMs, qps);
    const cluster = requestOrder[sent] as number;
    if (listNow !== undefined) {
      staleSince.set(listNow, atMs);
      calls.push({ atMs, kind: 'list', cluster: listNow });
      lists++;
    } else if (firstLook && !looked.has(cluster)) {
      looked.add(cluster);
      calls.push({ atMs, kind: 'list', cluster });
      lists++;
    } else {
      if (!staleSince.has(cluster)) staleSince.set(cluster, atMs);
      calls.push({ atMs, kind: 'request', cluster });
      sent++;
    }
  }
  return { lastRequestSeconds: (calls.at(-1)?.atMs ?? 0) / 1000, lists, calls };
}

/**
 * The cluster whose list must be read with this token, if any: the earliest deadlines d1 ≤ d2 ≤ …
 * need tokens at now, now + 1/qps, …; if waiting for the next token would leave some dj later than
 * the j-th token from there, the earliest must go now.
 */
function urgentList(staleSince: ReadonlyMap<number, number>, refreshEveryMs: number, nextMs: number, qps: number): number | undefined {
  if (!Number.isFinite(refreshEveryMs)) return undefined;
  const deadlines = [...staleSince].map(([cluster, since]) => ({ cluster, dueMs: since + refreshEveryMs })).sort((a, b) => a.dueMs - b.dueMs);
  for (let j = 0; j < deadlines.length; j++) {
    const lastTokenIfWaiting = nextMs + (j * 1000) / qps;
    if ((deadlines[j] as { dueMs: number }).dueMs < lastTokenIfWaiting) return deadlines[0]?.cluster;
  }
  return undefined;
}
