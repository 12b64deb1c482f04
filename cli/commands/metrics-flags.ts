import { isIP } from 'node:net';
import { UsageError } from '../../core/errors.js';

/** --metrics-port / --metrics-host, shared by `run` and `agent`: one check, one message. */
export function checkMetricsFlags(port: number | undefined, host: string | undefined): void {
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`--metrics-port: ${JSON.stringify(port)} is not a port`);
  if (host !== undefined && isIP(host) === 0 && host !== 'localhost') throw new UsageError(`--metrics-host: ${JSON.stringify(host)} is not an IP address to listen on`);
}
