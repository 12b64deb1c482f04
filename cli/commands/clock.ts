import type { CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';

interface Args { host: string; port: number }

/** `gw-bench clock`: the coordinator's time source for the agents (GET /time). */
export const clockCommand: CommandModule<object, Args> = {
  command: 'clock',
  describe: 'Serve the coordinator\'s time (GET /time) so agents can measure their clock offset',
  builder: (y) => y
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Listen address' })
    .option('port', { type: 'number', default: 9470, describe: 'Listen port' }) as never,
  handler: async (args) => {
    if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new UsageError(`--port: ${JSON.stringify(args.port)} is not a port`);
    const { serveClock } = await import('../../harness/distributed/clock.js');
    const server = await serveClock(args.host, args.port);
    const addr = server.address();
    process.stdout.write(`clock: http://${args.host}:${typeof addr === 'object' && addr ? addr.port : args.port}/time\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => { server.close(() => resolve()); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
