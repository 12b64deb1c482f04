import { createWriteStream, type WriteStream } from 'node:fs';
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunResult, StageResult } from '../core/result.js';

/** The one timestamp of output folder names (run, gate, compare): UTC, `YYYYMMDD-HHMMSS`. */
export function outputStamp(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Default output folder `./reports/<prefix>-<stamp>` in the current directory: where the
 * user is, never inside the installed package (which may be node_modules).
 */
export function defaultOutputDir(prefix: string, now = new Date()): string {
  return resolve('reports', `${prefix}-${outputStamp(now)}`);
}

/**
 * The run folder: result.json, stages.jsonl (appended after each stage), one .hlog per
 * stage, run.log. Every write that matters is atomic (temp file + rename) so a crash or
 * Ctrl-C mid-run never leaves a half-written result and never loses a finished stage.
 */
export class RunOutput {
  readonly dir: string;
  readonly log: WriteStream;

  private constructor(dir: string) {
    this.dir = dir;
    this.log = createWriteStream(join(dir, 'run.log'), { flags: 'a' });
  }

  static async create(scenarioName: string, out?: string): Promise<RunOutput> {
    const dir = resolve(out ?? defaultOutputDir(scenarioName));
    await mkdir(dir, { recursive: true });
    return new RunOutput(dir);
  }

  line(msg: string): void {
    this.log.write(`${new Date().toISOString()} ${msg}\n`);
  }

  async appendStage(stage: StageResult): Promise<void> {
    await appendFile(join(this.dir, 'stages.jsonl'), `${JSON.stringify(stage)}\n`);
  }

  async writeResult(result: RunResult): Promise<string> {
    const file = join(this.dir, 'result.json');
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(result, null, 2)}\n`);
    await rename(tmp, file);
    return file;
  }

  async writeJson(name: string, data: unknown): Promise<void> {
    await writeFile(join(this.dir, name), `${JSON.stringify(data, null, 2)}\n`);
  }

  close(): Promise<void> {
    return new Promise((r) => this.log.end(r));
  }
}
