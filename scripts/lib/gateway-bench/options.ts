/**
 * Flags of `npm run bench:gateway`: parsed once, checked once; a bad flag is one line on
 * stderr and exit 2. `--quick` is a short version for trying the command, not for numbers.
 */
import { parseArgs } from 'node:util';
import { parseDuration, parsePercent, parseRate } from '../../../core/units.js';

/** Contract routes the benchmark can drive, by name (docs/gateway-contract.md §2). */
export const ROUTES: Record<string, { method: 'GET' | 'POST'; path: string; label: string }> = {
  user: { method: 'GET', path: '/api/user/1', label: 'GET /api/user/1' },
  feed: { method: 'GET', path: '/api/feed?uid=1&room_id=2', label: 'GET /api/feed (fan-out)' },
  interact: { method: 'POST', path: '/api/interact?room_id=2', label: 'POST /api/interact' },
};

export interface BenchOptions {
  runs: number;
  /** null: the reference and every baseline with an impl.json. */
  impls: string[] | null;
  routes: string[];
  quick: boolean;
  connections: number;
  minRps: number;
  maxRps: number;
  probes: number;
  probeDurationMs: number;
  /** Traffic at --min before the search (scenario target.warmup), so a JIT runtime is not judged cold; 0: none. */
  targetWarmupMs: number;
  sloP99Ms: number;
  sloErrorRate: number;
  /** Floor of the generator's lag bound (scenario generator.maxSendLagP99); null: the scenario default. */
  lagFloorMs: number | null;
  out: string | null;
}

export const HELP = `npm run bench:gateway -- [flags]

Side by side: the reference gateway and every built baseline (baselines/*/impl.json), one
process each on the gateway CPU, the same mock upstreams, the same valid JWT and the same
open-model generator, route by route. Per cell: capacity at the SLO (highest offered rate
with p99 and errors within the SLO and a valid generator), the bracket between the last
passing and first failing probe, p99 at capacity and CPU µs per request of the gateway's
process tree. Prints a Markdown table with ratios and writes JSON + Markdown under reports/.

  --runs N              repeat every cell N times, report median and spread (default 3; --quick 1)
  --impls a,b           implementations to run (default: reference and every baseline)
  --routes a,b          ${Object.keys(ROUTES).join(', ')} (default user,feed)
  --quick               short probes, fewer of them, one run: to try the command
  --connections N       held connections per cell (default 100)
  --min RATE --max RATE capacity search range (default 1000/s .. 64000/s)
  --probes N            probe budget per cell (default 9; --quick 4)
  --probe-duration D    measured window of a probe (default 5s; --quick 2s)
  --target-warmup D     traffic at the --min rate before the search, counted nowhere, so a
                        JIT runtime (JVM, V8) is not judged cold (default 10s; --quick 2s; 0: none)
  --slo-p99 D           p99 limit (default 100ms)
  --slo-errors PCT      error-rate limit (default 0.5%)
  --lag-floor D         floor of the generator lag bound (default: the scenario default)
  --out DIR             output folder (default reports/bench-gateway-<UTC time>)
  --help
`;

function fail(msg: string): never {
  process.stderr.write(`bench-gateway: ${msg} (--help lists the flags)\n`);
  process.exit(2);
}

const count = (flag: string, v: string, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${flag}: ${JSON.stringify(v)} is not a whole number from ${min} to ${max}`);
  return n;
};
/** A unit value (`5s`, `2000/s`, `0.5%`; a bare number is ms, /s or a fraction), checked by core/units.ts. */
const unit = (flag: string, v: string, parse: (value: unknown, field: string) => number): number => {
  try { return parse(/^\d+(\.\d+)?$/.test(v) ? Number(v) : v, `--${flag}`); } catch (e) { fail((e as Error).message); }
};
const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

export function benchOptions(argv: string[]): BenchOptions {
  const str = { type: 'string' as const };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv, strict: true, allowPositionals: false,
      options: {
        runs: str, impls: str, routes: str, quick: { type: 'boolean' }, help: { type: 'boolean' }, connections: str, min: str, max: str,
        probes: str, 'probe-duration': str, 'target-warmup': str, 'slo-p99': str, 'slo-errors': str, 'lag-floor': str, out: str,
      },
    }));
  } catch (e) { fail((e as Error).message); }
  if (values['help']) { process.stdout.write(HELP); process.exit(0); }
  const v = (k: string): string | undefined => values[k] as string | undefined;
  const quick = values['quick'] === true;
  const routes = v('routes') === undefined ? ['user', 'feed'] : list(v('routes')!);
  for (const r of routes) if (!ROUTES[r]) fail(`--routes: ${JSON.stringify(r)} is not a route; choose from ${Object.keys(ROUTES).join(', ')}`);
  if (routes.length === 0) fail('--routes: empty');
  const impls = v('impls') === undefined ? null : list(v('impls')!);
  if (impls?.length === 0) fail('--impls: empty');
  const o: BenchOptions = {
    runs: v('runs') === undefined ? (quick ? 1 : 3) : count('runs', v('runs')!, 1, 20),
    impls, routes, quick,
    connections: v('connections') === undefined ? 100 : count('connections', v('connections')!, 1, 5000),
    minRps: v('min') === undefined ? 1000 : unit('min', v('min')!, parseRate),
    maxRps: v('max') === undefined ? 64_000 : unit('max', v('max')!, parseRate),
    probes: v('probes') === undefined ? (quick ? 4 : 9) : count('probes', v('probes')!, 1, 20),
    probeDurationMs: v('probe-duration') === undefined ? (quick ? 2000 : 5000) : unit('probe-duration', v('probe-duration')!, parseDuration),
    targetWarmupMs: v('target-warmup') === undefined ? (quick ? 2000 : 10_000) : v('target-warmup') === '0' ? 0 : unit('target-warmup', v('target-warmup')!, parseDuration),
    sloP99Ms: v('slo-p99') === undefined ? 100 : unit('slo-p99', v('slo-p99')!, parseDuration),
    sloErrorRate: v('slo-errors') === undefined ? 0.005 : unit('slo-errors', v('slo-errors')!, parsePercent),
    lagFloorMs: v('lag-floor') === undefined ? null : unit('lag-floor', v('lag-floor')!, parseDuration),
    out: v('out') ?? null,
  };
  if (o.minRps <= 0 || o.maxRps < o.minRps) fail(`--min/--max: need 0 < min <= max (got ${o.minRps}/s .. ${o.maxRps}/s)`);
  if (o.targetWarmupMs > 300_000) fail(`--target-warmup: ${o.targetWarmupMs} ms is above 5m`);
  if (o.probeDurationMs < 500 || o.probeDurationMs > 60_000) fail(`--probe-duration: ${o.probeDurationMs} ms is outside 500ms .. 60s`);
  return o;
}
