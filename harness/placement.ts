import { hasTaskset } from '../core/processes/taskset.js';
import type { Placement } from '../core/result.js';
import { availableCpus } from './env.js';

export interface PlacementRequest { gateway: string; upstreams: string; generator: string }

/**
 * Resolve "auto" placement: with two or more CPUs the gateway gets the last CPU to itself
 * and the generator and upstreams share the others (the gateway is what is measured; the
 * research notes recommend exactly this split for a 2-core box). One CPU: no pinning.
 */
export function resolvePlacement(req: PlacementRequest, externalTarget: boolean): Placement {
  const cpus = availableCpus();
  const usable = hasTaskset() && cpus.length >= 2;
  const last = String(cpus[cpus.length - 1]);
  const rest = cpus.slice(0, -1).join(',');
  const pick = (v: string, auto: string): string | null => (v === 'none' ? null : v === 'auto' ? (usable ? auto : null) : v);
  const p: Placement = {
    gateway: externalTarget ? null : pick(req.gateway, last),
    upstreams: pick(req.upstreams, rest),
    generator: pick(req.generator, rest),
    method: hasTaskset() ? (externalTarget ? 'taskset (target placed by its owner)' : 'taskset') : 'none (taskset not found)',
  };
  if (!hasTaskset()) { p.gateway = null; p.upstreams = null; p.generator = null; }
  return p;
}
