import type { CommandModule } from 'yargs';

interface Args { quick: boolean; out?: string }

/** `gw-bench calibrate`: measure generator ceiling, connect rate and noise on this machine. */
export const calibrateCommand: CommandModule<object, Args> = {
  command: 'calibrate',
  describe: "Measure this machine: one generator worker's ceiling per core, connect rate, run-to-run noise; writes calibration.json",
  builder: (y) => y
    .option('quick', { type: 'boolean', default: false, describe: 'Fewer, shorter probes' })
    .option('out', { type: 'string', describe: 'Where to write calibration.json (default: ./calibration.json in the current directory, read by gw-bench run from there)' }) as never,
  handler: async (args) => {
    const { calibrate } = await import('../../harness/calibrate.js');
    process.stderr.write('calibrating (generator on one CPU, trivial target on another)...\n');
    const { calibration: c, file } = await calibrate({ quick: args.quick, out: args.out });
    process.stdout.write([
      `generator ceiling: ${c.generator.maxRpsPerWorker} req/s per worker (one core), valid`,
      `connect rate: ${c.connect.perSecond} connections/s (${c.connect.connections} in ${c.connect.seconds.toFixed(2)} s, ${c.connect.failed} failed)`,
      `noise at ${c.noise.rate} req/s over ${c.noise.repeats} runs: p50 CV ${(c.noise.p50Cv * 100).toFixed(1)}%, p99 CV ${(c.noise.p99Cv * 100).toFixed(1)}%, largest p99 deviation from the median ${(Math.expm1(c.noise.p99MaxLogDeviation) * 100).toFixed(1)}%`,
      `wrote ${file}`,
    ].join('\n') + '\n');
  },
};
