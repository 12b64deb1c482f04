import type { CommandModule } from 'yargs';

/**
 * Every command gw-bench offers, one file each. Only commands that work are listed, so
 * `--help` never advertises something unfinished. Add one line per command.
 */
export const commands: CommandModule<any, any>[] = [
];
