import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { PACKAGE_ROOT } from '../../core/version.js';

/**
 * Optional gateway features beyond the contract (docs/gateway-contract.md "Optional
 * capabilities"). An implementation declares the ones it has in its impl.json
 * (`"capabilities": [...]`); the suite runs an optional check only when its capability is
 * declared, and reports it "not implemented" otherwise (never "failed").
 */
export const CAPABILITIES = {
  shadow: 'mirrors proxied and feed requests to GW_SHADOW_UPSTREAM (share GW_SHADOW_SHARE), fire and forget',
  'region-breaker': 'circuit breakers per upstream and client region, region from the header named by GW_BREAKER_REGION_HEADER',
} as const;
export type Capability = keyof typeof CAPABILITIES;

/** What the reference gateway implements (its impl.json equivalent lives in code, like the rest of its ImplInfo). */
export const REFERENCE_CAPABILITIES: readonly Capability[] = ['shadow', 'region-breaker'];

/** Validate a capability list (flag or impl.json); unknown names are a usage error naming the field. */
export function parseCapabilities(list: readonly string[], field: string): Capability[] {
  const out: Capability[] = [];
  for (const c of list) {
    if (!(c in CAPABILITIES)) throw new UsageError(`${field}: ${JSON.stringify(c)} is not a capability (known: ${Object.keys(CAPABILITIES).join(', ')})`);
    if (!out.includes(c as Capability)) out.push(c as Capability);
  }
  return out;
}

/** The capabilities an implementation declares: `reference`, or `baselines/<name>/impl.json` (absent list = none). */
export function implCapabilities(name: string): Capability[] {
  if (name === 'reference') return [...REFERENCE_CAPABILITIES];
  const file = join(PACKAGE_ROOT, 'baselines', name, 'impl.json');
  if (!existsSync(file)) throw new UsageError(`--impl: ${JSON.stringify(name)} is not an implementation (no ${file})`);
  const meta = JSON.parse(readFileSync(file, 'utf8')) as { capabilities?: unknown };
  if (meta.capabilities === undefined) return [];
  if (!Array.isArray(meta.capabilities) || meta.capabilities.some((c) => typeof c !== 'string')) throw new UsageError(`${file}: "capabilities" must be a list of names`);
  return parseCapabilities(meta.capabilities as string[], `${file} capabilities`);
}
