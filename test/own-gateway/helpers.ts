import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';

/**
 * A stand-in for a team's own gateway: a plain node:http server that answers 200 "ok"
 * (201 with an echo of what it got on /echo), after DELAY_MS when set, listening on $PORT.
 * It prints "ready on PORT" once listening and exits on SIGTERM.
 */
export const SERVER_JS = `import http from 'node:http';
import { appendFileSync } from 'node:fs';
const delay = Number(process.env.DELAY_MS ?? 0);
const seen = process.env.SEEN_FILE;
const srv = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => setTimeout(() => {
    if (seen) appendFileSync(seen, JSON.stringify({ method: req.method, url: req.url, body, user: req.headers['x-user'] ?? null, auth: req.headers.authorization ?? null, key: req.headers['x-api-key'] ?? null }) + '\\n');
    res.writeHead(req.url.startsWith('/echo') ? 201 : 200, { 'content-type': 'text/plain' });
    res.end('ok');
  }, delay));
});
srv.keepAliveTimeout = 600000;
srv.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready on ' + srv.address().port));
process.on('SIGTERM', () => { srv.closeAllConnections(); srv.close(() => process.exit(0)); });
`;

/** A wrk2-style scenario (one URL, constant rate, a few connections) for that server. */
export function plainScenario(over: { name?: string; target?: string; requests?: string; extra?: string } = {}): string {
  return `version: 1
name: ${over.name ?? 'own'}
target:
${over.target ?? '  command: node server.mjs\n  readyPattern: "^ready on"'}
requests:
${over.requests ?? '  - { path: "/hello", expect: { status: [200] } }'}
load:
  arrival: constant
  seed: 5
  workers: 1
  connectRate: 1000/s
  warmup: 500ms
  duration: 1s
  stages:
    - { name: c5, connections: 5, rate: 100/s }
# Loose generator limits: the tests share a busy machine; the verdict is tested, not numbers.
generator: { maxSendLagP99: 500ms, maxEventLoopP99: 500ms, maxCpu: 100% }
${over.extra ?? ''}`;
}

export const BIN = join(PACKAGE_ROOT, 'bin', 'gw-bench.js');

export interface CliResult { status: number | null; stdout: string; stderr: string }

/**
 * Run a command without blocking this process (a test's own HTTP server must keep
 * answering), killed after `timeoutMs`.
 */
export function runAsync(cmd: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

/** Run the CLI in `cwd` (not the package root: outputs must land where the user is). */
export function gwBench(cwd: string, args: string[], timeoutMs = 120_000): Promise<CliResult> {
  return runAsync(process.execPath, [BIN, ...args], cwd, timeoutMs);
}

/** git with a fixed identity, failing loudly. */
export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
