import type { CommandModule } from 'yargs';

interface RecordArgs { impl: string; scenario: string; quick: boolean; quiet: boolean }

const record: CommandModule<object, RecordArgs> = {
  command: 'record <impl> [scenario]',
  describe: 'Build (if needed) and measure an implementation; store baselines/recorded/<impl>.<scenario>.json',
  builder: (y) => y
    .positional('impl', { type: 'string', demandOption: true, describe: 'reference or a folder under baselines/' })
    .positional('scenario', { type: 'string', default: 'feed', describe: 'Scenario name (scenarios/<name>.yaml) or file' })
    .option('quick', { type: 'boolean', default: false, describe: 'Quick version of the scenario (stored as <impl>.<scenario>-quick.json)' })
    .option('quiet', { type: 'boolean', default: false }) as never,
  handler: async (args) => {
    const { recordBaseline } = await import('../../harness/baseline.js');
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    const r = await recordBaseline(args.impl, args.scenario, { quick: args.quick, quiet: args.quiet, signal: ac.signal });
    process.off('SIGINT', stop);
    process.stdout.write(`recorded ${r.file}\n`);
    process.exitCode = r.exitCode;
  },
};

const list: CommandModule = {
  command: 'list',
  describe: 'List the implementations gw-bench can start',
  handler: async () => {
    const { describeImpls } = await import('../../harness/baseline.js');
    process.stdout.write(`${describeImpls().join('\n')}\n`);
  },
};

interface TableArgs { write?: string; dir?: string; check?: string }

const table: CommandModule<object, TableArgs> = {
  command: 'table',
  describe: 'The recorded-results table (Markdown) from baselines/recorded/*.json; --write README.md rewrites it between its markers',
  builder: (y) => y
    .option('write', { type: 'string', describe: 'Rewrite the block between the recorded-results markers of this file' })
    .option('check', { type: 'string', describe: 'Exit 1 when the block in this file differs from what the recorded files say' })
    .option('dir', { type: 'string', describe: 'Folder of recorded results (default baselines/recorded)' }) as never,
  handler: async (args) => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const { RECORDED_DIR } = await import('../../harness/baseline.js');
    const { currentTable, recordedTable, replaceTable } = await import('../../harness/report/recorded-table.js');
    const block = await recordedTable(args.dir ?? RECORDED_DIR);
    if (args.write !== undefined) {
      const text = await readFile(args.write, 'utf8');
      const next = replaceTable(text, block, args.write);
      if (next !== text) await writeFile(args.write, next);
      process.stdout.write(`${next === text ? 'unchanged' : 'rewrote'} the recorded-results table in ${args.write}\n`);
    } else if (args.check !== undefined) {
      const same = currentTable(await readFile(args.check, 'utf8')) === block;
      process.stdout.write(same ? `${args.check}: the table matches the recorded files\n` : `${args.check}: the table differs from the recorded files; run gw-bench baseline table --write ${args.check}\n`);
      process.exitCode = same ? 0 : 1;
    } else {
      process.stdout.write(`${block}\n`);
    }
  },
};

/** `gw-bench baseline record|list|table`. */
export const baselineCommand: CommandModule = {
  command: 'baseline <command>',
  describe: 'Baseline implementations: list them, record results with the harness',
  builder: (y) => y.command(record as never).command(list).command(table as never).demandCommand(1, 'Name a baseline subcommand: record, list or table.'),
  handler: () => undefined,
};
