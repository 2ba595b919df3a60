// Leadership under client-go's name: leader_election_master_status{name} is 1 on the replica that
// holds the Lease `name` and 0 on the others (absent without --leader-elect, as in client-go).
import { Gauge, type Registry } from 'prom-client';
import type { LeaderElectionMetrics } from '../kube/leader-lease.js';

export function createLeaderElectionMetrics(registry: Registry): LeaderElectionMetrics {
  const status = new Gauge({
    name: 'leader_election_master_status',
    help: '1 while this replica holds the leader Lease called name, 0 while it stands by',
    labelNames: ['name'],
    registers: [registry],
  });
  return { leading: (name, isLeader) => { status.set({ name }, isLeader ? 1 : 0); } };
}
