/**
 * Shared by the feature benches (bench-shadow, bench-bad-tokens): argument parsing with
 * one-line usage errors (exit 2), a CPU sampler for a process tree, and Markdown tables.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { cpuMs } from './procs.js';

/** Parse `--name value` flags; unknown flags or bad values print one line and exit 2. */
export function benchArgs<T extends Record<string, string>>(script: string, defaults: T, argv = process.argv.slice(2)): T {
  try {
    const { values } = parseArgs({ args: argv, options: Object.fromEntries(Object.keys(defaults).map((k) => [k, { type: 'string' as const }])), strict: true });
    return { ...defaults, ...values } as T;
  } catch (err) {
    process.stderr.write(`${script}: ${(err as Error).message} (flags: ${Object.entries(defaults).map(([k, v]) => `--${k} ${v}`).join(' ')})\n`);
    process.exit(2);
  }
}

/** Exit 2 with one line naming the flag and value. */
export function usage(script: string, flag: string, value: string, expected: string): never {
  process.stderr.write(`${script}: --${flag}: ${JSON.stringify(value)} ${expected}\n`);
  process.exit(2);
}

/** Samples a process tree's CPU every `everyMs` so CPU can be charged to any window afterwards. */
export class CpuTrack {
  private readonly samples: [number, number][] = [];
  private timer: NodeJS.Timeout | null = null;

  start(pid: number, everyMs = 200): void {
    this.stop();
    this.samples.length = 0;
    const take = (): void => { this.samples.push([Date.now(), cpuMs(pid)]); };
    take();
    this.timer = setInterval(take, everyMs);
  }

  stop(): void { if (this.timer) clearInterval(this.timer); this.timer = null; }

  /** CPU ms used between two epoch-ms instants (linear between samples); null without samples around them. */
  between(fromMs: number, toMs: number): number | null {
    const at = (t: number): number | null => {
      for (let i = 1; i < this.samples.length; i++) {
        const [t0, c0] = this.samples[i - 1]!;
        const [t1, c1] = this.samples[i]!;
        if (t >= t0 && t <= t1) return t1 === t0 ? c0 : c0 + ((c1 - c0) * (t - t0)) / (t1 - t0);
      }
      return null;
    };
    const a = at(fromMs);
    const b = at(toMs);
    return a === null || b === null ? null : b - a;
  }
}

/** A Markdown table; the first column left-aligned, the others right-aligned. */
export function markdownTable(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? ':--' : '--:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** "load average 3.1 / 2.8 / 2.5 (1/5/15 min), N cores": goes next to every figure. */
export function machineNote(cores: number): string {
  const [a, b, c] = loadavg();
  return `load average ${a!.toFixed(1)} / ${b!.toFixed(1)} / ${c!.toFixed(1)} (1/5/15 min) on ${cores} cores`;
}
