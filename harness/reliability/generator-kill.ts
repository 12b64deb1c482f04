import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../core/result.js';
import { PACKAGE_ROOT } from '../../core/version.js';
import { isAlive, processTree } from '../procfs.js';
import type { FaultFigures } from './load.js';

/**
 * `gw-bench run scenarios/smoke.yaml` with one load-generator worker SIGKILLed in the second
 * stage: the run must end (no hang), keep the finished first stage, mark the second failed
 * with the reason, and leave no process behind.
 */
export interface GeneratorKillFigures extends FaultFigures {
  exitCode: number | null;
  result: RunResult | null;
  stagesKept: number;
  failedStageReason: string | null;
}

const cmdline = (pid: number): string => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '); } catch { return ''; } };
const stageLines = (dir: string): number => (existsSync(join(dir, 'stages.jsonl')) ? readFileSync(join(dir, 'stages.jsonl'), 'utf8').trim().split('\n').filter(Boolean).length : 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function generatorWorkerKilled(scenario = 'scenarios/smoke.yaml'): Promise<GeneratorKillFigures> {
  const tmp = await mkdtemp(join(tmpdir(), 'gwb-genkill-'));
  const out = join(tmp, 'run');
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'gw-bench.js'), 'run', scenario, '--out', out, '--no-report', '--quiet'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdout.resume();
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const seen = new Set<number>();
  const track = setInterval(() => { void processTree(child.pid!).then((ps) => { for (const p of ps) if (p !== child.pid) seen.add(p); }).catch(() => undefined); }, 200);
  let killed: number | null = null;
  try {
    const deadline = Date.now() + 120_000;
    while (stageLines(out) < 1 && Date.now() < deadline && child.exitCode === null) await sleep(100);
    await sleep(1500); // well inside the second stage (5 s)
    const workers = (await processTree(child.pid!)).filter((p) => /loadgen\/worker\.js/.test(cmdline(p)));
    killed = workers[0] ?? null;
    if (killed !== null) process.kill(killed, 'SIGKILL');
    const code = await Promise.race([exited, sleep(60_000).then(() => 'hang' as const)]);
    clearInterval(track);
    await sleep(500);
    const orphans = [...seen].filter((p) => isAlive(p) && !/^State:\s+Z/m.test((() => { try { return readFileSync(`/proc/${p}/status`, 'utf8'); } catch { return ''; } })()));
    const result = existsSync(join(out, 'result.json')) ? JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as RunResult : null;
    const failedStage = result?.stages.find((s) => s.status === 'failed') ?? null;
    const kept = result?.stages.filter((s) => s.status === 'ok' || s.status === 'invalid').length ?? 0;
    return {
      name: 'generator worker killed', fault: `gw-bench run ${scenario}: one load-generator worker SIGKILLed 1.5 s into stage 2 of 2`,
      requests: result?.stages.reduce((a, s) => a + s.requests, 0) ?? 0, errors: failedStage ? { stage_failed: 1 } : {}, recoveryMs: null, recoveryNote: 'the run stops: a stage without all its workers is not a measurement',
      crashes: 0, hung: code === 'hang', orphans: orphans.length,
      notes: [`killed worker pid ${killed}`, `exit code ${code}`, `result status ${result?.status}`, ...(killed === null ? [`no worker found; stderr: ${stderr.slice(-300)}`] : [])],
      exitCode: code === 'hang' ? null : code, result, stagesKept: kept, failedStageReason: failedStage?.reasons.join('; ') ?? null,
    };
  } finally {
    clearInterval(track);
    if (child.exitCode === null) child.kill('SIGKILL');
    for (const p of seen) if (isAlive(p)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    await rm(tmp, { recursive: true, force: true });
  }
}
