import type { CommandModule } from 'yargs';
import { existsSync } from 'node:fs';
import { exitCodeOf, GwBenchError } from '../../core/errors.js';

interface Args { scenario: string[]; json: boolean }

/**
 * `gw-bench validate <scenario.yaml...>`: exit 0 when valid, else exit 2 with one line per
 * problem. It makes every check `run` makes before starting a process (the same function
 * loads the file), so the two always agree.
 */
export const validateCommand: CommandModule<object, Args> = {
  command: 'validate <scenario..>',
  describe: 'Check scenario files: the format, and everything run checks before starting (every problem, with its path)',
  builder: (y) => y
    .positional('scenario', { type: 'string', array: true, demandOption: true, describe: 'Scenario YAML file(s)' })
    .option('json', { type: 'boolean', default: false, describe: 'Print { ok, files: [{ file, ok, problems, warnings, ... }] } on stdout' }) as never,
  handler: async (args) => {
    const { loadCheckedScenario } = await import('../../harness/scenario-checks.js');
    let firstError: unknown;
    const say = args.json ? process.stderr : process.stdout;
    const files: Array<Record<string, unknown>> = [];
    for (const file of args.scenario) {
      try {
        const s = await loadCheckedScenario(file);
        const missing = s.compare.filter((c) => !existsSync(c.file));
        say.write(`${file}: valid (${s.load.stages.length} stages, ${s.requests.length} request kinds, target ${s.target.impl})\n`);
        for (const m of missing) say.write(`  warning: compare file not found (it will be skipped): ${m.file}\n`);
        files.push({ file, ok: true, name: s.name, target: s.target.impl, contract: s.target.contract, stages: s.load.stages.length, requests: s.requests.length, problems: [], warnings: missing.map((m) => `compare file not found (it will be skipped): ${m.file}`) });
      } catch (e) {
        files.push({ file, ok: false, code: e instanceof GwBenchError ? e.code : 'GW_ERR_INTERNAL', message: e instanceof Error ? e.message : String(e), problems: e instanceof GwBenchError ? [...e.details] : [], warnings: [] });
        if (args.scenario.length === 1 && !args.json) throw e;
        // Several files (or --json): report each, fail at the end with the first error's exit code.
        const { reportError } = await import('../report-error.js');
        reportError(e, false);
        firstError ??= e;
      }
    }
    if (args.json) process.stdout.write(`${JSON.stringify({ ok: firstError === undefined, files }, null, 2)}\n`);
    if (firstError) process.exitCode = exitCodeOf(firstError);
  },
};
