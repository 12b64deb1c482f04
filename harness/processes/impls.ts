import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { PACKAGE_ROOT, VERSION } from '../../core/version.js';
import type { HeapMetrics } from '../prometheus.js';
import { checkImplJson } from './impl-schema.js';

/** What a gateway implementation says about itself (`baselines/<impl>/impl.json`). */
export interface ImplInfo {
  name: string;
  language: string;
  runtime: string;
  framework: string;
  multiProcess: boolean;
  /** Its processes balance accepted connections among themselves (worker-sizing.ts plans more per process). */
  balancedAccept?: boolean;
  /** Most connections the implementation can hold on this machine, or null for no known limit. */
  maxConnections: number | null;
  maxConnectionsReason?: string;
  /** Why the implementation has no heap figure (impl.json `heapReason`), shown in place of it. */
  heapReason?: string;
  contract?: 'full' | 'partial';
  dir: string | null;
  build: string | null;
  run: { cmd: string; args: string[] };
  version: string;
  /** Heap metric names on its /metrics (`heapMetrics` in impl.json). */
  heapMetrics: HeapMetrics;
}

const BASELINES = join(PACKAGE_ROOT, 'baselines');

/**
 * The reference gateway: our own, started through the harness's gateway entry (the program
 * `gw-bench gateway` runs, without loading the CLI).
 */
export function referenceImpl(env: NodeJS.ProcessEnv = process.env): ImplInfo {
  return {
    name: 'reference', language: 'typescript', runtime: `node ${process.version}`, framework: 'node:http + undici',
    // The gateway inherits the harness's environment: GW_CLUSTER_BALANCE=off leaves its
    // accepts to the kernel, and then it is planned like any unbalanced implementation.
    multiProcess: true, balancedAccept: env['GW_CLUSTER_BALANCE'] !== 'off', maxConnections: null, contract: 'full', dir: null, build: null,
    run: { cmd: process.execPath, args: [join(PACKAGE_ROOT, 'dist', 'harness', 'processes', 'entries', 'gateway.js')] },
    version: VERSION,
    heapMetrics: { used: 'nodejs_heap_size_used_bytes', total: 'nodejs_heap_size_total_bytes', runtime: 'node' },
  };
}

/** Every implementation gw-bench can start: reference + each baselines/<impl>/impl.json. */
export function listImpls(): ImplInfo[] {
  const out = [referenceImpl()];
  if (!existsSync(BASELINES)) return out;
  for (const d of readdirSync(BASELINES, { withFileTypes: true })) {
    if (!d.isDirectory() || !existsSync(join(BASELINES, d.name, 'impl.json'))) continue;
    out.push(baselineImpl(d.name));
  }
  return out;
}

function baselineImpl(name: string): ImplInfo {
  const dir = join(BASELINES, name);
  const file = join(dir, 'impl.json');
  const meta = checkImplJson(readFileSync(file, 'utf8'), file) as Partial<ImplInfo>;
  return {
    name, language: meta.language ?? 'unknown', runtime: meta.runtime ?? 'unknown', framework: meta.framework ?? 'unknown',
    multiProcess: meta.multiProcess ?? false, balancedAccept: meta.balancedAccept ?? false, maxConnections: meta.maxConnections ?? null, maxConnectionsReason: meta.maxConnectionsReason,
    ...(meta.heapReason ? { heapReason: meta.heapReason } : {}),
    contract: meta.contract ?? 'full', dir,
    build: existsSync(join(dir, 'build.sh')) ? join(dir, 'build.sh') : null,
    run: { cmd: join(dir, 'run.sh'), args: [] },
    version: meta.version ?? meta.runtime ?? 'unknown',
    heapMetrics: meta.heapMetrics ?? { used: null, total: null },
  };
}

/** What is wrong with an implementation name that does not exist: the ones that do. */
export function unknownImpl(name: string, urlFlag = 'target.url'): string {
  return `${JSON.stringify(name)} is not an implementation; available: ${listImpls().map((i) => i.name).join(', ')}, "external" with ${urlFlag}, or "command" with target.command`;
}

/** Find an implementation by name; the error lists the ones that exist. */
export function findImpl(name: string, field = '--target'): ImplInfo {
  const hit = listImpls().find((i) => i.name === name);
  if (!hit) throw new UsageError(`${field}: ${unknownImpl(name, '--url')}`);
  return hit;
}
