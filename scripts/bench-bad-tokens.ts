/**
 * `npm run bench:bad-tokens`: a flood in which half of the requests carry bad tokens,
 * against the reference gateway with and without the Bloom filter in front of its
 * negative JWT cache (jwt.negativeBloom). Reports req/s and latency of the valid half.
 *
 * Two autocannon instances run at once, each at half the rate: one sends valid tokens
 * (measured), the other the flood. Flood kinds (--bad):
 *   repeat  a fixed set of --repeat bad tokens, replayed at random
 *   oneoff  a new forged token on every request
 *   mixed   half repeat, half one-off (default): the case the filter is for
 * autocannon caps the rate but is closed-loop: its latency is from the actual send, so a
 * stalled gateway is under-reported (coordinated omission); read the p99 as relative.
 *
 *   npm run bench:bad-tokens -- [--rate 1000] [--duration 5] [--warmup 4] [--connections 20] [--bad mixed] [--repeat 300] [--negative-cache 500] [--alg HS256]
 */
import { createHmac, generateKeyPairSync, randomBytes, sign as rsaSign } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { stringify } from 'yaml';
import { PACKAGE_ROOT } from '../core/version.js';
import { UPSTREAM_SRC, cpuMs, runBench, start, stopAll } from './lib/procs.js';
import { benchArgs, machineNote, markdownTable, usage } from './lib/feature-bench.js';

const SCRIPT = 'bench-bad-tokens';
const args = benchArgs(SCRIPT, { rate: '1000', duration: '5', warmup: '4', connections: '20', bad: 'mixed', repeat: '300', 'negative-cache': '500', alg: 'HS256' });
const num = (flag: keyof typeof args, min: number): number => {
  const n = Number(args[flag]);
  if (!Number.isFinite(n) || n < min) usage(SCRIPT, flag, args[flag], `is not a number >= ${min}`);
  return n;
};
const rate = num('rate', 2);
const duration = num('duration', 1);
const warmup = num('warmup', 0);
const connections = num('connections', 2);
const repeatN = num('repeat', 1);
const negativeCache = num('negative-cache', 1);
if (!['repeat', 'oneoff', 'mixed'].includes(args.bad)) usage(SCRIPT, 'bad', args.bad, 'is not repeat, oneoff or mixed');
if (args.alg !== 'HS256' && args.alg !== 'RS256') usage(SCRIPT, 'alg', args.alg, 'is not HS256 or RS256');

const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const SECRET = randomBytes(32).toString('hex');
const rsa = args.alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }) : null;

function signed(sub: string): string {
  const input = `${b64({ alg: args.alg, typ: 'JWT' })}.${b64({ sub, iss: 'gw-bench', exp: Math.floor(Date.now() / 1000) + 3600 })}`;
  const sig = rsa ? rsaSign('sha256', Buffer.from(input), rsa.privateKey) : createHmac('sha256', SECRET).update(input).digest();
  return `${input}.${sig.toString('base64url')}`;
}
/** Well-formed, right algorithm, wrong signature: the gateway must run the full check to refuse it. */
function forged(): string {
  const input = `${b64({ alg: args.alg, typ: 'JWT' })}.${b64({ sub: `f${randomBytes(6).toString('hex')}`, iss: 'gw-bench', exp: Math.floor(Date.now() / 1000) + 3600 })}`;
  return `${input}.${randomBytes(rsa ? 256 : 32).toString('base64url')}`;
}

interface Cannon { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number; timeouts: number; '2xx': number }

async function flood(url: string, seconds: number, validTokens: string[], repeatSet: string[]): Promise<{ valid: Cannon; bad: Cannon }> {
  const half = Math.max(1, Math.floor(connections / 2));
  let i = 0;
  const badToken = (): string => {
    const oneoff = args.bad === 'oneoff' || (args.bad === 'mixed' && (i++ & 1) === 0);
    return oneoff ? forged() : repeatSet[Math.floor(Math.random() * repeatSet.length)]!;
  };
  const run = (headers: () => string): Promise<Cannon> => Promise.resolve(autocannon({
    url: `${url}/api/user/1`, connections: half, duration: seconds, overallRate: rate / 2,
    requests: [{ setupRequest: (req: Record<string, unknown>) => ({ ...req, headers: { authorization: `Bearer ${headers()}` } }) }],
  } as never) as PromiseLike<unknown>) as Promise<Cannon>;
  const [valid, bad] = await Promise.all([run(() => validTokens[Math.floor(Math.random() * validTokens.length)]!), run(badToken)]);
  return { valid, bad };
}

/** gateway_jwt_cache_total{cache="negative"}: a hit is a bad token refused without verification. */
async function negativeCounts(url: string): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const v = (r: string): number => Number(new RegExp(`gateway_jwt_cache_total\\{cache="negative",result="${r}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { hit: v('hit'), miss: v('miss') };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gwb-bad-tokens-'));
  const upstream = await start('upstream', ['--input-type=module', '-e', UPSTREAM_SRC]);
  const cli = join(PACKAGE_ROOT, 'bin', 'gw-bench.js');
  const env: Record<string, string> = {
    GW_LISTEN_HOST: '127.0.0.1', GW_LISTEN_PORT: '0', GW_WORKERS: '1', GW_JWT_ALG: args.alg,
    GW_UPSTREAM_USER: upstream.url, GW_UPSTREAM_USER_STATUS: upstream.url, GW_UPSTREAM_BARRAGE: upstream.url, GW_UPSTREAM_INTERACT: upstream.url,
  };
  if (rsa) { writeFileSync(join(dir, 'pub.pem'), rsa.publicKey); env.GW_JWT_PUBLIC_KEY_FILE = join(dir, 'pub.pem'); } else env.GW_JWT_SECRET = SECRET;
  const validTokens = Array.from({ length: 100 }, (_, k) => signed(`u${k}`));
  const repeatSet = Array.from({ length: repeatN }, () => forged());
  const rows: string[][] = [];
  for (const bloom of [false, true]) {
    const file = join(dir, `gateway-${bloom}.yaml`);
    writeFileSync(file, stringify({ jwt: { negativeCacheSize: negativeCache, ...(bloom ? { negativeBloom: { capacity: 100_000, falsePositiveRate: '1%' } } : {}) } }));
    const gw = await start(`gateway (bloom ${bloom})`, [cli, 'gateway', '--config', file], env);
    process.stdout.write(`${SCRIPT}: bloom ${bloom ? 'on' : 'off'}: ${rate}/s (${args.bad} bad tokens) for ${duration} s after ${warmup} s warm-up...\n`);
    if (warmup > 0) await flood(gw.url, warmup, validTokens, repeatSet);
    const cpu0 = cpuMs(gw.pid);
    const neg0 = await negativeCounts(gw.url);
    const { valid, bad } = await flood(gw.url, duration, validTokens, repeatSet);
    const cpu = cpuMs(gw.pid) - cpu0;
    const neg1 = await negativeCounts(gw.url);
    const hits = neg1.hit - neg0.hit;
    const lookups = hits + neg1.miss - neg0.miss;
    const total = (valid.requests.average + bad.requests.average) * duration;
    rows.push([
      bloom ? 'Bloom filter + LRU' : 'LRU only',
      valid.requests.average.toFixed(0), valid.latency.p50.toFixed(1), valid.latency.p99.toFixed(1),
      String(valid.non2xx + valid.errors + valid.timeouts), bad.requests.average.toFixed(0), String(bad['2xx']),
      total > 0 ? ((cpu * 1000) / total).toFixed(0) : 'n/a',
      lookups > 0 ? `${((hits / lookups) * 100).toFixed(0)}%` : 'n/a',
    ]);
    process.kill(gw.pid, 'SIGTERM');
  }
  await stopAll();
  const note = `${rate}/s offered (half valid, half bad: ${args.bad}${args.bad !== 'oneoff' ? `, ${repeatN} repeated bad tokens` : ''}), ${duration} s after ${warmup} s warm-up, ${connections} connections, ${args.alg}, jwt.negativeCacheSize ${negativeCache}, 1 gateway process; Node ${process.version}; ${machineNote(availableParallelism())}.`;
  const table = markdownTable(['negative cache', 'valid req/s', 'valid p50 ms', 'valid p99 ms', 'valid errors', 'bad req/s', 'bad accepted', 'gateway CPU µs/req', 'bad answered from the LRU'], rows);
  process.stdout.write(`\n# Bad-token flood\n\n${note}\n\n${table}\n\nautocannon (closed loop, rate-capped): latency from the actual send, not the intended one. "bad accepted" must be 0. "bad answered from the LRU": negative-cache hits over lookups of tokens not in the positive cache (gateway_jwt_cache_total), i.e. bad tokens refused without a signature check; the measured window only.\n`);
}

runBench(SCRIPT, main);
