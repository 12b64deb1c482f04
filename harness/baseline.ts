import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../core/version.js';
import type { RunRecording, RunResult } from '../core/result.js';
import { runScenario, type RunOptions } from './run.js';
import { findImpl, listImpls } from './processes/impls.js';

export const RECORDED_DIR = join(PACKAGE_ROOT, 'baselines', 'recorded');

/** Where a recorded result lives: baselines/recorded/<impl>.<scenario>.json. */
export function recordedFile(impl: string, scenarioName: string, dir = RECORDED_DIR): string {
  return join(dir, `${impl}.${scenarioName}.json`);
}

export interface RecordOptions extends Omit<RunOptions, 'scenarioFile' | 'target'> {
  /** Where the recorded file goes (default baselines/recorded; tests use a temporary folder). */
  recordedDir?: string;
  /** The sitting this recording belongs to; a single `record <impl>` is a sitting of one. */
  sitting?: { id: string; order: number; of: number };
}

/** Resolve `feed` or `scenarios/feed.yaml` to a scenario file. */
export function scenarioPath(nameOrFile: string): string {
  return /\.ya?ml$/.test(nameOrFile) ? nameOrFile : join(PACKAGE_ROOT, 'scenarios', `${nameOrFile}.yaml`);
}

/**
 * Measure a scenario against one implementation (building it if needed) and store the
 * result as a normal result file, environment (commit, tree state) included, for
 * `compare:` lists, plus `recording`: the sitting and how long the recording took (wall
 * time from before the build to the stored file).
 */
export async function recordBaseline(impl: string, scenario: string, opts: RecordOptions = {}): Promise<{ file: string; dir: string; exitCode: number; wallSeconds: number; result: RunResult }> {
  findImpl(impl, 'impl'); // clear error for an unknown name before anything starts
  const t0 = performance.now();
  const file = scenarioPath(scenario);
  const { recordedDir = RECORDED_DIR, sitting = { id: sittingId(new Date()), order: 1, of: 1 }, ...run } = opts;
  const outcome = await runScenario({ ...run, scenarioFile: file, target: { impl } });
  await mkdir(recordedDir, { recursive: true });
  const name = outcome.result.scenario.name + (opts.quick ? '-quick' : '');
  const dest = recordedFile(impl, name, recordedDir);
  const result = JSON.parse(await readFile(join(outcome.dir, 'result.json'), 'utf8')) as RunResult;
  const wallSeconds = Math.round((performance.now() - t0) / 100) / 10;
  const recording: RunRecording = { sittingId: sitting.id, order: sitting.order, of: sitting.of, wallSeconds };
  const stored = { ...result, recording };
  await writeFile(dest, `${JSON.stringify(stored, null, 2)}\n`);
  return { file: dest, dir: outcome.dir, exitCode: outcome.exitCode, wallSeconds, result: stored };
}

/** One id per sitting: its UTC start, e.g. 20261202-141800 (readable, sorts by time). */
export function sittingId(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** Names and facts of every implementation, for `gw-bench baseline list`. */
export function describeImpls(): string[] {
  return listImpls().map((i) => `${i.name.padEnd(28)} ${i.language.padEnd(11)} ${i.framework}${i.maxConnections ? ` (max ${i.maxConnections} connections: ${i.maxConnectionsReason ?? ''})` : ''}${i.contract === 'partial' ? ' [partial contract]' : ''}`);
}

