import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../core/version.js';
import { runScenario, type RunOptions } from './run.js';
import { findImpl, listImpls } from './processes/impls.js';

export const RECORDED_DIR = join(PACKAGE_ROOT, 'baselines', 'recorded');

/** Where a recorded result lives: baselines/recorded/<impl>.<scenario>.json. */
export function recordedFile(impl: string, scenarioName: string): string {
  return join(RECORDED_DIR, `${impl}.${scenarioName}.json`);
}

/** Resolve `feed` or `scenarios/feed.yaml` to a scenario file. */
export function scenarioPath(nameOrFile: string): string {
  return /\.ya?ml$/.test(nameOrFile) ? nameOrFile : join(PACKAGE_ROOT, 'scenarios', `${nameOrFile}.yaml`);
}

/**
 * Measure a scenario against one implementation (building it if needed) and store the
 * result as a normal result file, environment included, for `compare:` lists.
 */
export async function recordBaseline(impl: string, scenario: string, opts: Omit<RunOptions, 'scenarioFile' | 'target'> = {}): Promise<{ file: string; dir: string; exitCode: number }> {
  findImpl(impl, 'impl'); // clear error for an unknown name before anything starts
  const file = scenarioPath(scenario);
  const outcome = await runScenario({ ...opts, scenarioFile: file, target: { impl } });
  await mkdir(RECORDED_DIR, { recursive: true });
  const name = outcome.result.scenario.name + (opts.quick ? '-quick' : '');
  const dest = recordedFile(impl, name);
  await copyFile(join(outcome.dir, 'result.json'), dest);
  return { file: dest, dir: outcome.dir, exitCode: outcome.exitCode };
}

/** Names and facts of every implementation, for `gw-bench baseline list`. */
export function describeImpls(): string[] {
  return listImpls().map((i) => `${i.name.padEnd(28)} ${i.language.padEnd(11)} ${i.framework}${i.maxConnections ? ` (max ${i.maxConnections} connections: ${i.maxConnectionsReason ?? ''})` : ''}${i.contract === 'partial' ? ' [partial contract]' : ''}`);
}

