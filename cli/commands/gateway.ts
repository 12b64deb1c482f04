import type { CommandModule } from 'yargs';
import { parseDuration } from '../../core/units.js';
import { UsageError, UnitError } from '../../core/errors.js';

interface GatewayArgs {
  config?: string;
  host?: string;
  port?: number;
  workers?: string;
  'debug-delay'?: string;
  etcd?: string;
  'etcd-prefix'?: string;
  'debug-cpu'?: string;
}

/** `gw-bench gateway`: run the reference TypeScript gateway (env per the contract, optional YAML, hot reload). */
export const gatewayCommand: CommandModule<object, GatewayArgs> = {
  command: 'gateway',
  describe: 'Run the reference TypeScript gateway (configured by GW_* env vars and an optional YAML file)',
  builder: (y) => y
    .option('config', { type: 'string', describe: 'YAML config merged over the GW_* environment; watched and hot-reloaded' })
    .option('host', { type: 'string', describe: 'Listen address (overrides GW_LISTEN_HOST and the file)' })
    .option('port', { type: 'number', describe: 'Listen port (overrides GW_LISTEN_PORT and the file)' })
    .option('workers', { type: 'string', describe: 'Processes: a number or "auto" (overrides GW_WORKERS)' })
    .option('etcd', { type: 'string', describe: 'etcd client URL(s), comma separated: watch a key prefix as a config layer over the file (env GW_ETCD_ENDPOINTS)' })
    .option('etcd-prefix', { type: 'string', describe: 'etcd key prefix, ending in / (default /gw-bench/gateway/; env GW_ETCD_PREFIX)' })
    .option('debug-delay', { type: 'string', describe: 'Artificial delay before each proxied request, e.g. 5ms (env GW_DEBUG_DELAY_MS); for testing regression gates' })
    .option('debug-cpu', { type: 'string', describe: 'CPU to burn before each proxied request, e.g. 300us (env GW_DEBUG_CPU_US); for testing regression gates' }),
  handler: async (argv) => {
    const overrides: Record<string, unknown> = {};
    if (argv.host !== undefined || argv.port !== undefined) overrides.listen = { host: argv.host, port: argv.port };
    if (argv.workers !== undefined) overrides.workers = argv.workers;
    const debug: Record<string, number> = {};
    for (const [flag, key] of [['debug-delay', 'delay'], ['debug-cpu', 'cpu']] as const) {
      if (argv[flag] === undefined) continue;
      try {
        debug[key] = parseDuration(argv[flag], `--${flag}`);
      } catch (err) {
        throw new UsageError(err instanceof UnitError ? err.message : String(err));
      }
    }
    if (argv.etcd !== undefined || argv['etcd-prefix'] !== undefined) overrides.etcd = { endpoints: argv.etcd, prefix: argv['etcd-prefix'] };
    if (Object.keys(debug).length) overrides.debug = debug;
    const { runGateway } = await import('../../gateway/run.js');
    await runGateway({ file: argv.config ?? null, overrides });
  },
};
