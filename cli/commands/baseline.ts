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

/** `gw-bench baseline record|list`. */
export const baselineCommand: CommandModule = {
  command: 'baseline <command>',
  describe: 'Baseline implementations: list them, record results with the harness',
  builder: (y) => y.command(record as never).command(list).demandCommand(1, 'Name a baseline subcommand: record or list.'),
  handler: () => undefined,
};
