/**
 * `npm run soak`: the reference gateway at half its probed capacity for 10 minutes (or
 * --minutes N), RSS and p99 per minute, and a leak verdict (RSS drift < 5 %, p99 drift
 * < 10 %, Theil-Sen slope after the first minute). Writes docs/reliability/soak.json and
 * soak.png, which `npm run reliability` puts into docs/reliability.md. Needs a quiet
 * machine: on a busy one the generator falls behind and the verdict is inconclusive.
 *
 *   npm run soak [-- --minutes 10] [--window 60] [--rate 500] [--out-dir docs/reliability]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../core/version.js';
import { runSoak } from '../harness/reliability/soak.js';
import { soakChart } from '../harness/reliability/soak-chart.js';
import { renderChartPng } from '../harness/report/render-chart.js';

const { values } = parseArgs({ options: { minutes: { type: 'string' }, window: { type: 'string' }, rate: { type: 'string' }, 'out-dir': { type: 'string' } } });
const num = (v: string | undefined, name: string, fallback: number): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) { process.stderr.write(`soak: --${name}: ${JSON.stringify(v)} is not a positive number\n`); process.exit(2); }
  return n;
};
const minutes = num(values.minutes ?? process.env.GW_SOAK_MINUTES, 'minutes', 10);
const windowS = num(values.window, 'window', 60);
const rate = values.rate === undefined ? undefined : num(values.rate, 'rate', 0);
const outDir = values['out-dir'] ?? join(PACKAGE_ROOT, 'docs', 'reliability');

// Ctrl-C / SIGTERM: end the current window, stop the gateway and upstreams, write what was measured.
const stop = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { process.stderr.write(`soak: ${sig}: stopping after the current window\n`); stop.abort(); });
const r = await runSoak({ minutes, windowS, rate, log: (l) => process.stderr.write(`${l}\n`), signal: stop.signal });
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, 'soak.json'), `${JSON.stringify(r, null, 2)}\n`);
await writeFile(join(outDir, 'soak.png'), await renderChartPng(soakChart(r)));
process.stdout.write(`minute  requests  errors  p99 ms  lag bound ms  RSS MiB\n`);
for (const w of r.windows) process.stdout.write(`${w.minute.toFixed(2).padStart(6)}  ${String(w.requests).padStart(8)}  ${String(w.errors).padStart(6)}  ${(w.p99Ms?.toFixed(2) ?? 'n/a').padStart(6)}  ${(w.lagBoundMs?.toFixed(2) ?? 'n/a').padStart(12)}  ${(w.rssMiB?.toFixed(1) ?? 'n/a').padStart(7)}${w.generatorValid ? '' : '  generator behind'}\n`);
const pct = (d: { drift: number } | null) => (d ? `${(d.drift * 100).toFixed(1)} %` : 'n/a');
process.stdout.write(`verdict: ${r.verdict} (RSS drift ${pct(r.rss)}, p99 drift ${pct(r.p99)})${r.reasons.length ? ` - ${r.reasons.join('; ')}` : ''}\nwrote ${join(outDir, 'soak.json')} and soak.png\n`);
