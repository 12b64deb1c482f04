import { GwBenchError, UsageError } from '../core/errors.js';
import { recordBaseline, sittingId, type RecordOptions } from './baseline.js';
import { findImpl, listImpls } from './processes/impls.js';

/** What one implementation's recording in a sitting came to. */
export interface SittingEntry {
  impl: string;
  /** The stored file, or null when the recording failed before a result existed. */
  file: string | null;
  exitCode: number;
  wallSeconds: number;
  /** Why it failed (one line), else null. */
  error: string | null;
}

const ORDER = ['reference', 'go-nethttp', 'java-spring-cloud-gateway', 'python-fastapi', 'nginx'];

/** Every implementation gw-bench can start, the reference first, then the shipped baselines, then the rest by name. */
export function sittingImpls(only?: readonly string[]): string[] {
  if (only && only.length) {
    for (const name of only) findImpl(name, '--impls');
    return [...new Set(only)];
  }
  const rank = (n: string): number => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
  return listImpls().map((i) => i.name).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * `gw-bench baseline record --all`: every implementation measured the same way (same
 * scenario, settings and placement), one after another, each result carrying the commit,
 * the tree state and one sitting id. An implementation that cannot be built or started is
 * reported and the sitting goes on: one missing toolchain must not cost the others.
 */
export async function recordSitting(scenario: string, opts: Omit<RecordOptions, 'sitting'> & { impls?: readonly string[]; say?: (line: string) => void } = {}): Promise<{ sittingId: string; entries: SittingEntry[] }> {
  const { impls: only, say = () => undefined, ...rest } = opts;
  const impls = sittingImpls(only);
  if (impls.length === 0) throw new UsageError('--all: no implementation to record');
  const id = sittingId(new Date());
  const entries: SittingEntry[] = [];
  for (const [k, impl] of impls.entries()) {
    if (opts.signal?.aborted) break;
    say(`sitting ${id}: ${k + 1}/${impls.length} ${impl}`);
    const t0 = performance.now();
    try {
      const r = await recordBaseline(impl, scenario, { ...rest, sitting: { id, order: k + 1, of: impls.length } });
      entries.push({ impl, file: r.file, exitCode: r.exitCode, wallSeconds: r.wallSeconds, error: null });
    } catch (e) {
      const err = e instanceof GwBenchError ? e : new GwBenchError('GW_ERR_INTERNAL', (e as Error).message);
      entries.push({ impl, file: null, exitCode: err.exitCode, wallSeconds: Math.round((performance.now() - t0) / 100) / 10, error: `${err.message} [${err.code}]` });
    }
    const last = entries[entries.length - 1]!;
    say(`sitting ${id}: ${impl} ${last.error ? `failed: ${last.error}` : `recorded ${last.file}, exit ${last.exitCode}`}, ${last.wallSeconds} s`);
  }
  return { sittingId: id, entries };
}
