import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Child-process entry: an HTTP server on 127.0.0.1 that timestamps every request's arrival
 * with process.hrtime (when its head has been parsed) and answers 200 at once. The parent
 * (arrival-recorder.ts) takes the timestamps over IPC. Runs in its own process, on the
 * target CPU, so the stamps do not compete with the generator for a core.
 */
let arrivals: number[] = [];
// how late this process runs its callbacks: the bound on how late a stamp can be
let eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
let connections = 0;
const server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
  arrivals.push(Number(process.hrtime.bigint()) / 1e6);
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-length': '0' }); res.end(); });
});
server.on('connection', () => { connections++; });
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port });
});
process.on('message', (m: { type: string }) => {
  if (m.type === 'take') {
    process.send?.({ type: 'arrivals', times: arrivals, connections, eventLoopP99Ms: Math.max(0, eld.percentile(99) / 1e6 - 1), eventLoopMaxMs: Math.max(0, eld.max / 1e6 - 1) });
    arrivals = [];
    eld.disable();
    eld = monitorEventLoopDelay({ resolution: 1 });
    eld.enable();
  }
});
// the parent owns this process: when its IPC channel closes, stop
process.on('disconnect', () => { server.closeAllConnections(); server.close(); process.exit(0); });
