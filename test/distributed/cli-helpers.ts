import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../../core/result.js';
import { PACKAGE_ROOT } from '../../core/version.js';

/** Shared by the distributed tests: the CLI as a user runs it, a small scenario, process helpers. */

export const bin = join(PACKAGE_ROOT, 'bin', 'gw-bench.js');

export const gw = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 60_000 });

/** A scenario whose stages have fixed, constant-arrival load (so request counts are exact). */
export function writeScenario(dir: string, stages: { name: string; connections: number; rate: number }[], extra = ''): string {
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, [
    'version: 1',
    'name: dist-test',
    'auth: { alg: HS256, tokens: 20 }',
    'requests:',
    '  - { name: user, weight: 1, path: "/api/user/${uid}" }',
    'load:',
    '  arrival: constant',
    '  seed: 3',
    '  connectRate: 1000/s',
    '  workers: 1',
    '  warmup: 1s',
    '  duration: 3s',
    '  requestTimeout: 2s',
    '  stages:',
    ...stages.map((s) => `    - { name: ${s.name}, connections: ${s.connections}, rate: ${s.rate}/s }`),
    extra,
  ].join('\n'));
  return file;
}

export const readResult = (dir: string): RunResult => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as RunResult;

export function exited(p: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) { resolve(p.exitCode); return; }
    p.once('exit', (code) => resolve(code));
  });
}

export async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), 5000);
  await exited(p);
  clearTimeout(t);
}

/** Wait for a line on a child's stdout that matches `re` (bounded). */
export function waitForLine(p: ChildProcess, re: RegExp, timeoutMs = 15_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; got: ${buf}`)), timeoutMs);
    p.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = re.exec(buf);
      if (m) { clearTimeout(t); resolve(m); }
    });
  });
}
