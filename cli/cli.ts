import yargs, { type Argv } from 'yargs';
import { UsageError } from '../core/errors.js';
import { commands } from './commands/index.js';
import { VERSION } from '../core/version.js';

/**
 * Build the yargs parser for an argv array. Exported so tests can parse argv strings
 * without spawning a process. Parse failures throw UsageError (exit 2).
 */
export function buildCli(argv: string[]): Argv {
  let cli = yargs(argv)
    .scriptName('gw-bench')
    .usage('$0 <command> [options]\n\nLoad testing and benchmarking for HTTP API gateways.')
    .option('verbose', { type: 'boolean', default: false, describe: 'Print stack traces and debug output' })
    .strict()
    .demandCommand(1, 'Name a command (see the list above).')
    .recommendCommands()
    .version(VERSION)
    .help()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg ?? 'invalid usage');
    });
  for (const c of commands) cli = cli.command(c as never);
  return cli;
}
