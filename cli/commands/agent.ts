import type { CommandModule } from 'yargs';
import { checkMetricsFlags } from './metrics-flags.js';

interface Args { plan: string; out: string; 'metrics-port'?: number; 'metrics-host': string; quiet: boolean }

/** `gw-bench agent --plan plan/agent-K.json --out out/K`: run one agent's share of a distributed run. */
export const agentCommand: CommandModule<object, Args> = {
  command: 'agent',
  describe: 'Run one generator agent\'s share (from gw-bench plan) at its scheduled times; writes out/agent.json and the raw histograms',
  builder: (y) => y
    .option('plan', { type: 'string', demandOption: true, describe: 'This agent\'s plan, plan/agent-K.json' })
    .option('out', { type: 'string', demandOption: true, describe: 'Output folder of this agent' })
    .option('metrics-port', { type: 'number', describe: 'Expose live metrics for Prometheus on HOST:PORT/metrics (label agent="K")' })
    .option('metrics-host', { type: 'string', default: '127.0.0.1', describe: 'Listen address of --metrics-port (0.0.0.0 in a pod)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'No progress lines' }) as never,
  handler: async (args) => {
    checkMetricsFlags(args['metrics-port'], args['metrics-host']);
    const { runAgent } = await import('../../harness/distributed/agent.js');
    const ac = new AbortController();
    const onSignal = (): void => ac.abort();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const r = await runAgent({
        planFile: args.plan, outDir: args.out, metricsPort: args['metrics-port'], metricsHost: args['metrics-host'], signal: ac.signal,
        log: args.quiet ? undefined : (l) => process.stderr.write(`agent: ${l}\n`),
      });
      const bad = r.stages.filter((s) => s.late || s.failed);
      // 3: this agent's part is not a result (a late or failed stage); the merge says which.
      process.exitCode = ac.signal.aborted || bad.length || r.stages.length < r.plan.plan.stages.length ? 3 : 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
