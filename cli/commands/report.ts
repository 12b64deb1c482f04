import type { CommandModule } from 'yargs';

interface Args { folder: string; out?: string }

/** `gw-bench report <run-folder>`: re-render report.html / report.md / charts from the folder's result.json (and compare.json). */
export const reportCommand: CommandModule<object, Args> = {
  command: 'report <folder>',
  describe: 'Re-render the report of a run folder (result.json, plus results listed in compare.json)',
  builder: (y) => y
    .positional('folder', { type: 'string', demandOption: true, describe: 'Run folder containing result.json (or that result.json)' })
    .option('out', { type: 'string', describe: 'Output folder (default: the run folder)' }) as never,
  handler: async (args) => {
    const { reportRunFolder } = await import('../../harness/report/run-folder.js');
    const { stat } = await import('node:fs/promises');
    const { dirname } = await import('node:path');
    // `report run/result.json` means its folder.
    const folder = args.folder.endsWith('.json') && (await stat(args.folder).catch(() => null))?.isFile() ? dirname(args.folder) : args.folder;
    const out = await reportRunFolder(folder, args.out ?? folder);
    process.stdout.write(`report: ${out.html}\nmarkdown: ${out.md}\ncharts: ${out.charts.length}\n`);
  },
};
