import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeHistogram, newHistogram, recordUs } from '../../core/hdr.js';
import type { WorkerResult } from '../../loadgen/messages.js';
import type { StagePlan } from '../../loadgen/types.js';

/**
 * Health limits for tests that are not about generator health: this 2-core machine is
 * shared with other builds and tests, so timing-based limits would flake. The sent-fraction
 * check still applies.
 */
export const LENIENT_HEALTH = { maxSendLagP99Ms: 1000, maxEventLoopP99Ms: 1000, maxCpu: 100 };

/** A stage plan with small, test-friendly defaults; override what a test is about. */
export function testPlan(port: number, over: Partial<StagePlan> = {}): StagePlan {
  return {
    index: 0,
    name: 'test',
    target: { host: '127.0.0.1', port },
    connections: 4,
    rate: 100,
    arrival: 'constant',
    seed: 1,
    connectRate: 1000,
    warmupMs: 0,
    durationMs: 1000,
    requestTimeoutMs: 2000,
    maxQueue: 1000,
    requests: [{ name: 'get', weight: 1, method: 'GET', path: '/r/${uid}', headers: {}, bodyBytes: 0, auth: 'valid' }],
    tokens: { valid: ['V1', 'V2'], expired: ['E1'], badSignature: ['B1'] },
    variables: { uid: [1, 1000], room_id: [1, 100] },
    health: { ...LENIENT_HEALTH },
    engine: 'gw-bench',
    ...over,
  };
}

export interface CountingServer {
  server: Server;
  port: number;
  /** Requests received, by arrival. */
  requests: { at: number; method: string; url: string; auth: string | undefined; from: string }[];
  connections: number;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 port 0 that records every request; `handler` may delay or shape the answer. */
export async function countingServer(handler?: (req: IncomingMessage, res: ServerResponse, s: CountingServer) => void): Promise<CountingServer> {
  const s = { requests: [], connections: 0 } as unknown as CountingServer;
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    s.requests.push({ at: performance.now(), method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, from: req.socket.remoteAddress ?? '' });
    req.resume();
    req.on('end', () => {
      if (handler) handler(req, res, s);
      else { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }); res.end('ok'); }
    });
  });
  server.on('connection', () => { s.connections++; });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.server = server;
  s.port = (server.address() as AddressInfo).port;
  s.close = () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  return s;
}

/** A worker result with one latency of (index + 1) ms in every histogram; override what a test is about. */
export function workerResult(index: number, over: Partial<WorkerResult> = {}): WorkerResult {
  const h = newHistogram();
  recordUs(h, 1000 * (index + 1));
  const enc = encodeHistogram(h);
  return {
    workerIndex: index, aborted: false,
    connect: { requested: 2, established: 2, failed: 0, failedByErrno: {} },
    reopened: 1, failedLater: 0, failedLaterByErrno: {}, openAtEnd: 2, openedInWindow: 1, activeConnections: 2,
    measureStartEpochMs: 1000 + index, measureEndEpochMs: 3000 + index,
    intended: 100, issued: 100, completed: 99,
    errors: { timeout: 1, expected_401: 3 },
    latencyHdr: enc, serviceHdr: enc, sendLagHdr: enc, scheduleLagHdr: enc,
    intervals: [
      { index: -1, startMs: -1000, endMs: 0, hdr: enc, count: 1, errors: 0 },
      { index: 0, startMs: 0, endMs: 1000, hdr: enc, count: 1, errors: 1 },
    ],
    eventLoopP99Ms: 1, eventLoopMaxMs: 2, queuedWindow: 0, cpu: 0.2,
    ...over,
  };
}
