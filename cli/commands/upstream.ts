import type { CommandModule } from 'yargs';

interface UpstreamArgs {
  config?: string;
  ports: 'default' | 'ephemeral';
  'ready-file'?: string;
}

/** `gw-bench upstream`: run the mock upstream services until SIGTERM/SIGINT. */
export const upstreamCommand: CommandModule<object, UpstreamArgs> = {
  command: 'upstream',
  describe: 'Run the mock upstream services (contract default set, or --config); prints one JSON line with the ports when ready',
  builder: (y) => y
    .option('config', { type: 'string', describe: 'YAML file describing services, instances, latency, body size, errors (see upstream/README.md)' })
    .option('ports', { choices: ['default', 'ephemeral'] as const, default: 'default' as const, describe: 'ephemeral: every port (admin included) is 0, chosen by the OS' })
    .option('ready-file', { type: 'string', describe: 'also write the ready JSON line to this file (atomically) once listening' }),
  handler: async (args) => {
    const { defaultConfig, loadConfigFile, withEphemeralPorts } = await import('../../upstream/config.js');
    const { runUpstreamProcess } = await import('../../upstream/process.js');
    let cfg = args.config ? await loadConfigFile(args.config) : defaultConfig();
    if (args.ports === 'ephemeral') cfg = withEphemeralPorts(cfg);
    await runUpstreamProcess(cfg, { readyFile: args['ready-file'] });
  },
};
