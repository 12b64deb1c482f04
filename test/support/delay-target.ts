import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Child-process entry for the distributed tests: an HTTP target that answers every request
 * with 200 after a fixed delay, so both a distributed and a single-host run of the same plan
 * should see the same latency distribution. Usage: delay-target.js <host> <port> <delayMs>;
 * prints "ready <port>" once listening.
 */
const [host = '127.0.0.1', port = '0', delay = '5'] = process.argv.slice(2);
const delayMs = Number(delay);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' }).end('{}'), delayMs));
});
server.keepAliveTimeout = 120_000;
server.listen({ host, port: Number(port), backlog: 1024 }, () => {
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
});
const stop = (): void => { server.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
