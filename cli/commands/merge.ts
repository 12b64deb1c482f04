import type { CommandModule } from 'yargs';
import { positiveInt } from './plan.js';

interface Args { dirs: string[]; 'expect-agents'?: number; out: string; report: boolean; quiet: boolean }

/** `gw-bench merge out/* --out merged/`: one result.json and report from every agent's output. */
export const mergeCommand: CommandModule<object, Args> = {
  command: 'merge <dirs..>',
  describe: 'Merge agents\' outputs into one result.json and report (histograms merged, never averaged)',
  builder: (y) => y
    .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'Agent output folders (out/0 out/1 ...)' })
    .option('expect-agents', { type: 'number', describe: 'Agents the run had (default: from their plans); a missing one makes every stage invalid' })
    .option('out', { type: 'string', demandOption: true, describe: 'Folder for the merged result' })
    .option('report', { type: 'boolean', default: true, describe: 'Render report.html / report.md (--no-report to skip)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'No summary output' }) as never,
  handler: async (args) => {
    const expectAgents = args['expect-agents'] === undefined ? undefined : positiveInt(args['expect-agents'], '--expect-agents');
    const { mergeAgents } = await import('../../harness/distributed/merge.js');
    const m = await mergeAgents({ dirs: args.dirs, expectAgents, outDir: args.out, report: args.report, log: args.quiet ? undefined : (l) => process.stdout.write(`${l}\n`) });
    if (!args.quiet) {
      const { formatSummary } = await import('../../harness/summary.js');
      process.stdout.write(`${formatSummary(m.result, m.dir)}\n`);
      process.stdout.write(`merged ${m.agents.length} agent folder(s) into ${m.dir}; worst clock offset ${m.worstClockOffsetMs === null ? 'not measured (no --clock-url)' : `${m.worstClockOffsetMs} ms`}; verdict ${m.result.verdict.status}\n`);
    }
    process.exitCode = m.exitCode;
  },
};
