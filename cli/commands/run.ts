import type { CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { isSeed, MAX_SEED } from '../../core/prng.js';
import { parseDuration, parsePercent } from '../../core/units.js';
import { checkMetricsFlags } from './metrics-flags.js';

interface Args {
  scenario: string;
  quick: boolean;
  out?: string;
  target?: string;
  url?: string;
  pid?: number;
  'metrics-url'?: string;
  'gateway-cpus'?: string;
  'upstream-cpus'?: string;
  'generator-cpus'?: string;
  seed?: number;
  'metrics-port'?: number;
  'metrics-host': string;
  doctor: boolean;
  'debug-delay'?: string;
  'max-error-rate': string;
  report: boolean;
  quiet: boolean;
  'allow-invalid': boolean;
  json: boolean;
}

const CPU_LIST = /^(none|[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*)$/;

/** `gw-bench run <scenario.yaml>`: measure a scenario, write the run folder, print the summary. */
export const runCommand: CommandModule<object, Args> = {
  command: 'run <scenario>',
  describe: 'Run a scenario: start upstreams and the target, step the stages, write result.json, charts and report',
  builder: (y) => y
    .positional('scenario', { type: 'string', demandOption: true, describe: 'Scenario YAML (see scenarios/)' })
    .option('quick', { type: 'boolean', default: false, describe: 'Same scenario scaled down to finish in under a minute' })
    .option('out', { type: 'string', describe: 'Output folder (default reports/<scenario>-<timestamp>/)' })
    .option('target', { type: 'string', describe: 'reference | a baseline under baselines/ | external (overrides the scenario)' })
    .option('url', { type: 'string', describe: 'External target base URL (loopback only); implies --target external' })
    .option('pid', { type: 'number', describe: 'External target pid, for RSS sampling of its process tree' })
    .option('metrics-url', { type: 'string', describe: 'External target Prometheus endpoint (heap, cross-check)' })
    .option('gateway-cpus', { type: 'string', describe: 'taskset CPU list for the gateway (e.g. 1), or none' })
    .option('upstream-cpus', { type: 'string', describe: 'taskset CPU list for the mock upstreams' })
    .option('generator-cpus', { type: 'string', describe: 'taskset CPU list for the load-generator workers' })
    .option('seed', { type: 'number', describe: 'Override the scenario seed' })
    .option('metrics-port', { type: 'number', describe: 'Expose live harness metrics for Prometheus on HOST:PORT/metrics (label agent="local")' })
    .option('metrics-host', { type: 'string', default: '127.0.0.1', describe: 'Listen address of --metrics-port' })
    .option('doctor', { type: 'boolean', default: false, describe: 'Run the reference gateway under Clinic Doctor; writes doctor.html next to the result' })
    .option('debug-delay', { type: 'string', describe: 'Reference gateway only: add this delay to every request (to test the gate)' })
    .option('max-error-rate', { type: 'string', default: '10%', describe: 'Error rate of a measured stage above which the run is a target failure (exit 4)' })
    .option('report', { type: 'boolean', default: true, describe: 'Render report.html / report.md (--no-report to skip)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'No progress or summary output' })
    .option('allow-invalid', { type: 'boolean', default: false, describe: 'Exit 0 when stages are invalid (exploratory use); the result still says incomplete' })
    .option('json', { type: 'boolean', default: false, describe: 'Print result.json on stdout; the summary and progress go to stderr' }) as never,
  handler: async (args) => {
    for (const f of ['gateway-cpus', 'upstream-cpus', 'generator-cpus'] as const) {
      if (args[f] !== undefined && !CPU_LIST.test(args[f]!)) throw new UsageError(`--${f}: ${JSON.stringify(args[f])} is not a CPU list like 1, 0-1, 0,2 or none`);
    }
    if (args.seed !== undefined && !isSeed(args.seed)) throw new UsageError(`--seed: ${JSON.stringify(args.seed)} is not a whole number 0..${MAX_SEED} (seeds are 32-bit)`);
    if (args.pid !== undefined && (!Number.isInteger(args.pid) || args.pid < 1)) throw new UsageError(`--pid: ${JSON.stringify(args.pid)} is not a process id`);
    if (args.pid !== undefined && !args.url) throw new UsageError('--pid: only applies to an external target; give --url too');
    checkMetricsFlags(args['metrics-port'], args['metrics-host']);
    const debugDelayMs = args['debug-delay'] === undefined ? undefined : parseDuration(args['debug-delay'], '--debug-delay');
    const maxErrorRate = parsePercent(args['max-error-rate'], '--max-error-rate');
    const impl = args.url ? 'external' : args.target;
    if (impl === 'external' && !args.url) throw new UsageError('--target external needs --url');
    if (debugDelayMs !== undefined && impl !== undefined && impl !== 'reference') throw new UsageError(`--debug-delay: only the reference gateway has it (target is ${impl})`);

    const { runScenario } = await import('../../harness/run.js');
    const ac = new AbortController();
    let interrupts = 0;
    const onSignal = () => {
      interrupts++;
      if (interrupts === 1) {
        process.stderr.write('\ngw-bench: stopping - finishing teardown and writing finished stages (Ctrl-C again to exit at once)\n');
        ac.abort();
      } else process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const placement: Record<string, string> = {};
      if (args['gateway-cpus']) placement.gateway = args['gateway-cpus'];
      if (args['upstream-cpus']) placement.upstreams = args['upstream-cpus'];
      if (args['generator-cpus']) placement.generator = args['generator-cpus'];
      const { exitCode, result } = await runScenario({
        scenarioFile: args.scenario, quick: args.quick, out: args.out, quiet: args.quiet, seed: args.seed,
        target: impl || args.url || debugDelayMs !== undefined ? { impl: impl ?? 'reference', url: args.url, pid: args.pid, metricsUrl: args['metrics-url'], debugDelayMs } : undefined,
        placement, signal: ac.signal, maxErrorRate, metricsPort: args['metrics-port'], metricsHost: args['metrics-host'], report: args.report, doctor: args.doctor, allowInvalid: args['allow-invalid'],
        ...(args.json ? { summaryStream: process.stderr } : {}),
      });
      if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.exitCode = exitCode;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
