import type { CommandModule } from 'yargs';

interface Args { results: string[]; out?: string; labels?: string; primary?: string; title?: string; json: boolean }

/** `gw-bench compare a/result.json b/result.json ...`: comparison report (HTML + Markdown + charts) from recorded results. */
export const compareCommand: CommandModule<object, Args> = {
  command: 'compare <results..>',
  describe: 'Comparison report from recorded result.json files (first file = ours)',
  builder: (y) => y
    .positional('results', { type: 'string', array: true, demandOption: true, describe: 'result.json files' })
    .option('out', { type: 'string', describe: 'Output folder (default reports/compare-<timestamp>)' })
    .option('labels', { type: 'string', describe: 'Comma-separated label per file (default: each target impl)' })
    .option('primary', { type: 'string', describe: 'Which result is "ours" (label or 0-based index; default the first)' })
    .option('title', { type: 'string', describe: 'Report title' })
    .option('json', { type: 'boolean', default: false, describe: 'Print the comparison (files, labels, environment differences, outputs) as JSON on stdout' }) as never,
  handler: async (args) => {
    const { compareFiles } = await import('../../harness/report/compare-files.js');
    const { ENV_WARNING } = await import('../../harness/report/compare.js');
    const out = await compareFiles({
      files: args.results,
      labels: args.labels === undefined ? undefined : args.labels.split(',').map((l) => l.trim()),
      primary: args.primary,
      outDir: args.out,
      title: args.title,
    });
    if (out.envDiffs.length > 0) {
      process.stderr.write(`warning: environment differs (${out.envDiffs.map((d) => d.field).join(', ')}): ${ENV_WARNING}\n`);
    }
    const say = args.json ? process.stderr : process.stdout;
    say.write(`compared ${out.results.map((r, i) => `${r.label}${i === out.primary ? ' (ours)' : ''}`).join(', ')}\n`);
    say.write(`report: ${out.html}\nmarkdown: ${out.md}\ncharts: ${out.charts.length} in ${out.outDir}/charts\n`);
    if (args.json) {
      const { compareDocument } = await import('../../harness/report/compare-json.js');
      process.stdout.write(`${JSON.stringify(compareDocument(out), null, 2)}\n`);
    }
  },
};
