import type { CommandModule } from 'yargs';

interface RecordArgs { impl?: string; scenario?: string; all: boolean; impls?: string; quick: boolean; quiet: boolean; recordedDir?: string }

const record: CommandModule<object, RecordArgs> = {
  command: 'record [impl] [scenario]',
  describe: 'Build (if needed) and measure an implementation (or --all of them, one sitting); store baselines/recorded/<impl>.<scenario>.json',
  builder: (y) => y
    .positional('impl', { type: 'string', describe: 'reference or a folder under baselines/ (with --all: the scenario)' })
    .positional('scenario', { type: 'string', describe: 'Scenario name (scenarios/<name>.yaml) or file (default feed; with --all: headline)' })
    .option('all', { type: 'boolean', default: false, describe: 'Record every implementation the same way, one after another, under one sitting id' })
    .option('impls', { type: 'string', describe: 'With --all: only these implementations (comma-separated), in this order' })
    .option('quick', { type: 'boolean', default: false, describe: 'Quick version of the scenario (stored as <impl>.<scenario>-quick.json)' })
    .option('recorded-dir', { type: 'string', describe: 'Store the recorded files here instead of baselines/recorded' })
    .option('quiet', { type: 'boolean', default: false }) as never,
  handler: async (args) => {
    const { UsageError } = await import('../../core/errors.js');
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    const common = { quick: args.quick, quiet: args.quiet, signal: ac.signal, recordedDir: args.recordedDir };
    try {
      if (args.all) {
        if (args.impl !== undefined && args.scenario !== undefined) throw new UsageError(`--all records every implementation: give only a scenario (got ${JSON.stringify(args.impl)} and ${JSON.stringify(args.scenario)}), and --impls to choose implementations`);
        const { recordSitting } = await import('../../harness/baseline-sitting.js');
        const impls = args.impls?.split(',').map((x) => x.trim()).filter(Boolean);
        const say = (l: string) => process.stderr.write(`${l}\n`);
        const r = await recordSitting(args.impl ?? 'headline', { ...common, impls, say });
        process.stdout.write(`sitting ${r.sittingId}:\n${r.entries.map((e) => `  ${e.impl.padEnd(28)} ${String(e.wallSeconds).padStart(7)} s  ${e.error ? `FAILED: ${e.error}` : `exit ${e.exitCode}  ${e.file}`}`).join('\n')}\n`);
        process.exitCode = Math.max(0, ...r.entries.map((e) => e.exitCode));
        return;
      }
      if (args.impls !== undefined) throw new UsageError('--impls only applies with --all');
      if (args.impl === undefined) throw new UsageError('record: name an implementation (gw-bench baseline list), or give --all');
      const { recordBaseline } = await import('../../harness/baseline.js');
      const r = await recordBaseline(args.impl, args.scenario ?? 'feed', common);
      process.stdout.write(`recorded ${r.file} in ${r.wallSeconds} s\n`);
      process.exitCode = r.exitCode;
    } finally {
      process.off('SIGINT', stop);
    }
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
