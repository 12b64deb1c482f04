import cliProgress from 'cli-progress';
import { formatCount, formatMs } from '../core/units.js';
import type { StageProgress } from '../loadgen/types.js';

/**
 * Live progress of a run: one bar per stage on a terminal (stage i/n, phase, connections,
 * offered vs achieved rate, p99 so far, errors, generator health). Without a TTY (CI,
 * pipes) it prints one plain line every few seconds instead, so logs stay readable.
 */
export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private lastLine = 0;
  private readonly tty: boolean;

  constructor(private readonly quiet: boolean, private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  stageStart(i: number, n: number, name: string, totalMs: number): void {
    if (this.quiet) return;
    if (this.tty) {
      this.bar = new cliProgress.SingleBar({
        stream: this.stream,
        format: ` stage ${i + 1}/${n} {name} {phase} [{bar}] conns {conns} | offered {offered}/s achieved {achieved}/s | p99 {p99} | errors {errors} | gen {gen}`,
        barsize: 18,
        hideCursor: true,
        clearOnComplete: false,
      }, cliProgress.Presets.shades_classic);
      this.bar.start(Math.max(1, Math.round(totalMs / 1000)), 0, { name, phase: 'connect', conns: 0, offered: 0, achieved: 0, p99: 'n/a', errors: 0, gen: 'ok' });
    } else {
      this.stream.write(`stage ${i + 1}/${n} ${name}: starting\n`);
    }
  }

  update(p: StageProgress, name: string): void {
    if (this.quiet) return;
    const fields = {
      name, phase: p.phase.padEnd(7), conns: formatCount(p.connectionsOpen), offered: formatCount(p.offeredRps), achieved: formatCount(p.achievedRps),
      p99: formatMs(p.p99SoFarMs), errors: p.errors, gen: p.generatorOk ? 'ok' : 'BEHIND',
    };
    if (this.bar) {
      this.bar.setTotal(Math.max(1, Math.round(p.totalMs / 1000)));
      this.bar.update(Math.min(Math.round(p.elapsedMs / 1000), Math.round(p.totalMs / 1000)), fields);
    } else if (Date.now() - this.lastLine > 5000) {
      this.lastLine = Date.now();
      this.stream.write(`  ${name} ${p.phase} ${Math.round(p.elapsedMs / 1000)}/${Math.round(p.totalMs / 1000)}s conns ${fields.conns} offered ${fields.offered}/s achieved ${fields.achieved}/s p99 ${fields.p99} errors ${fields.errors} gen ${fields.gen}\n`);
    }
  }

  stageEnd(line: string): void {
    if (this.quiet) return;
    this.bar?.stop();
    this.bar = null;
    this.stream.write(`${line}\n`);
  }

  note(line: string): void {
    if (this.quiet) return;
    if (this.bar) this.stream.write('\n');
    this.stream.write(`${line}\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
