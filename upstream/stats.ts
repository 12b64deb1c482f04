import type { InstanceStats } from './instance.js';

/** Current fault state of a service, as reported next to its counters. */
export interface ServiceFaults {
  latency: string;
  errorRate: number;
  errorStatus: number;
  stallRemainingMs: number;
  refusing: boolean;
}

/** Body of `GET /__admin/stats`. */
export interface UpstreamStats {
  services: Record<string, { instances: InstanceStats[]; faults: ServiceFaults }>;
}

/** Sum of one counter over a service's instances (or every service when `service` is omitted). */
export function sumCounter(stats: UpstreamStats, counter: 'requests' | 'connectionsAccepted' | 'openConnections', service?: string): number {
  let total = 0;
  for (const [name, s] of Object.entries(stats.services)) {
    if (service !== undefined && name !== service) continue;
    for (const i of s.instances) total += i[counter];
  }
  return total;
}
