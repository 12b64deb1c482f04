import type { CommandModule } from 'yargs';
import { existsSync } from 'node:fs';

interface Args { scenario: string[] }

/**
 * `gw-bench validate <scenario.yaml...>`: exit 0 when valid, else exit 2 with one line per
 * problem. It makes every check `run` makes before starting a process (the same function
 * loads the file), so the two always agree.
 */
export const validateCommand: CommandModule<object, Args> = {
  command: 'validate <scenario..>',
  describe: 'Check scenario files: the format, and everything run checks before starting (every problem, with its path)',
  builder: (y) => y.positional('scenario', { type: 'string', array: true, demandOption: true, describe: 'Scenario YAML file(s)' }) as never,
  handler: async (args) => {
    const { loadCheckedScenario } = await import('../../harness/scenario-checks.js');
    let firstError: unknown;
    for (const file of args.scenario) {
      try {
        const s = await loadCheckedScenario(file);
        const missing = s.compare.filter((c) => !existsSync(c.file));
        process.stdout.write(`${file}: valid (${s.load.stages.length} stages, ${s.requests.length} request kinds, target ${s.target.impl})\n`);
        for (const m of missing) process.stdout.write(`  warning: compare file not found (it will be skipped): ${m.file}\n`);
      } catch (e) {
        if (args.scenario.length === 1) throw e;
        // Several files: report each, fail at the end with the first error's exit code.
        const { reportError } = await import('../report-error.js');
        reportError(e, false);
        firstError ??= e;
      }
    }
    if (firstError) process.exitCode = (await import('../../core/errors.js')).exitCodeOf(firstError);
  },
};
