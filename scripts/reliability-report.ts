/**
 * `npm run reliability`: run the hostile inputs, the fuzz properties, the raw-socket probes
 * and the faults under load (the same cases the tests in test/security, test/fuzz and
 * test/faults assert), and write their figures into docs/reliability.md between the
 * `reliability:begin`/`end` markers, with the last soak (docs/reliability/soak.json from
 * `npm run soak`). Everything runs on 127.0.0.1 and is bounded; ~3 minutes.
 *
 *   npm run reliability [-- --fuzz-factor 1] [--skip fuzz,faults]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../core/version.js';
import { generatorWorkerKilled } from '../harness/reliability/generator-kill.js';
import { gatewayWorkerKilled, upstreamKilled, upstreamRefusing, upstreamReset, upstreamStalled } from '../harness/reliability/faults.js';
import { HOSTILE_INPUTS } from '../harness/reliability/hostile-inputs.js';
import { drainUnderLoad, reloadsUnderLoad } from '../harness/reliability/lifecycle.js';
import type { FaultFigures } from '../harness/reliability/load.js';
import { PROBES, slowloris } from '../harness/reliability/probes.js';
import { startRig } from '../harness/reliability/rig.js';
import { SOAK_LAG_FLOOR_MS, type SoakResult } from '../harness/reliability/soak.js';

const { values } = parseArgs({ options: { 'fuzz-factor': { type: 'string' }, skip: { type: 'string' }, out: { type: 'string' } } });
const skip = new Set((values.skip ?? '').split(',').filter(Boolean));
const DOC = values.out ?? join(PACKAGE_ROOT, 'docs', 'reliability.md');
const log = (l: string) => process.stderr.write(`${l}\n`);

interface Row { category: string; tried: string; count: number; failures: number; crashes: number; lost: number; orphans: number; detail: string[] }
const rows: Row[] = [];
const sections: string[] = [];

// 1. Hostile scenario files through `gw-bench validate`.
if (!skip.has('inputs')) {
  const dir = await mkdtemp(join(tmpdir(), 'gwb-rel-inputs-'));
  const lines = ['| input | exit | time | message (first line) | ok |', '|---|---|---|---|---|'];
  let failures = 0;
  let crashes = 0;
  for (const h of HOSTILE_INPUTS) {
    const f = join(dir, `${h.name.replace(/\W+/g, '-')}.yaml`);
    await writeFile(f, h.text());
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'gw-bench.js'), 'validate', f], { encoding: 'utf8', timeout: 60_000 });
    const ms = performance.now() - t0;
    const ok = r.status === 2 && h.expect.test(r.stderr);
    if (!ok) failures++;
    if (r.status === 5 || r.signal || r.error) crashes++;
    const first = r.stderr.split('\n')[0]!.replace(dir, '<tmp>').replace(/\|/g, '\\|');
    lines.push(`| ${h.name} | ${r.status ?? r.signal} | ${ms.toFixed(0)} ms | \`${first.length > 110 ? `${first.slice(0, 107)}...` : first}\` | ${ok ? 'yes' : '**no**'} |`);
  }
  await rm(dir, { recursive: true, force: true });
  rows.push({ category: 'Hostile scenario files', tried: `${HOSTILE_INPUTS.length} files (size, keys, aliases, depth, documents, syntax, seeds)`, count: HOSTILE_INPUTS.length, failures, crashes, lost: 0, orphans: 0, detail: [] });
  sections.push('### Hostile scenario files (`gw-bench validate`, expected exit 2)\n', ...lines, '');
  log(`inputs: ${HOSTILE_INPUTS.length} tried, ${failures} failures`);
}

// 2. The fuzz properties (test/fuzz), with their printed seeds.
if (!skip.has('fuzz')) {
  const factor = values['fuzz-factor'] ?? '1';
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=tap', join(PACKAGE_ROOT, 'dist', 'test', 'fuzz')], { encoding: 'utf8', env: { ...process.env, GW_FUZZ_FACTOR: factor }, timeout: 3_600_000 });
  const props = [...r.stdout.matchAll(/fuzz ([\w-]+): seed (-?\d+), (\d+) runs/g)].map((m) => ({ name: m[1]!, seed: m[2]!, runs: Number(m[3]) }));
  const failed = Number(/^# fail (\d+)/m.exec(r.stdout)?.[1] ?? 1);
  const runs = props.reduce((a, p) => a + p.runs, 0);
  rows.push({ category: 'Fuzzing (fast-check)', tried: `${props.length} properties, ${runs} generated inputs`, count: runs, failures: failed, crashes: 0, lost: 0, orphans: 0, detail: [] });
  sections.push(`### Fuzz properties (GW_FUZZ_FACTOR=${factor})\n`, '| property | runs | seed |', '|---|---|---|', ...props.map((p) => `| ${p.name} | ${p.runs} | ${p.seed} |`), '', `Failed tests: ${failed}. Replay one with \`GW_FUZZ_SEED=<seed> GW_FUZZ_RUNS=<runs> node --test dist/test/fuzz/<file>.test.js\`.`, '');
  log(`fuzz: ${props.length} properties, ${runs} runs, ${failed} failed`);
}

// 3. Raw-socket probes against the reference gateway and the mock upstreams.
if (!skip.has('probes')) {
  const cfg = join(tmpdir(), `gwb-rel-probes-${process.pid}.yaml`);
  await writeFile(cfg, 'server: { headersTimeout: 2s }\n');
  const rig = await startRig({ args: ['--config', cfg] });
  const t = { host: rig.host, port: rig.port, validToken: rig.jwt.tokens.valid[0]!, secret: rig.jwt.secret! };
  const lines = ['| probe | expected | got | time | upstream requests | ok |', '|---|---|---|---|---|---|'];
  let failures = 0;
  const probes = [...PROBES, slowloris(50, 10_000)];
  for (const p of probes) {
    const before = await rig.upstreamRequests();
    const r = await p.run(t);
    const reached = (await rig.upstreamRequests()) - before;
    const ok = p.expect.includes(r.status as number | 'closed') && (reached === 0 || (p.mayStartUpstream !== undefined && reached <= 1)) && rig.gateway.alive();
    if (!ok) failures++;
    lines.push(`| ${p.name} | ${p.expect.join(' or ')} | ${r.status} | ${r.ms.toFixed(0)} ms | ${reached}${p.mayStartUpstream ? ' (started, cut)' : ''} | ${ok ? 'yes' : '**no**'} |`);
  }
  const crashes = rig.gateway.alive() ? 0 : 1;
  const orphans = await rig.close();
  await rm(cfg, { force: true });
  rows.push({ category: 'Raw-socket probes', tried: `${probes.length} probes (JWT tricks, smuggling, oversized, slowloris, CRLF/traversal)`, count: probes.length, failures, crashes, lost: 0, orphans, detail: [] });
  sections.push('### Raw-socket probes (reference gateway, headers timeout 2 s)\n', ...lines, '');
  log(`probes: ${probes.length} tried, ${failures} failures`);
}

// 4. Faults under load.
if (!skip.has('faults')) {
  const fmtErrors = (e: Record<string, number>) => Object.entries(e).filter(([k]) => !k.startsWith('status_')).map(([k, v]) => `${k} ${v}`).join(', ') || '0';
  const byStatus = (e: Record<string, number>) => Object.entries(e).filter(([k]) => k.startsWith('status_')).map(([k, v]) => `${k.slice(7)}: ${v}`).join(', ');
  const runs: [string, () => Promise<FaultFigures>, (f: FaultFigures) => string[]][] = [
    ['upstream killed', upstreamKilled, (f) => ((f.errors.timeout ?? 0) > (f.errors.http_5xx ?? 0) ? ['errors were timeouts, not fast answers'] : [])],
    ['upstream stalled', upstreamStalled, (f) => (f.recoveryMs === null ? ['no recovery'] : [])],
    ['upstream RST', upstreamReset, (f) => (f.recoveryMs === null ? ['no recovery'] : [])],
    ['upstream refusing', upstreamRefusing, (f) => (f.recoveryMs === null ? ['no recovery'] : [])],
    ['gateway worker killed', gatewayWorkerKilled, (f) => (f.notes.includes('replaced by a new worker: true') ? [] : ['worker not replaced'])],
    ['100 reloads', () => reloadsUnderLoad(100), (f) => [...(Object.keys(f.errors).length ? ['failed requests'] : []), ...((f as { reloads?: number }).reloads === 100 ? [] : ['not every reload applied'])]],
    ['drain 1', () => drainUnderLoad(1), (f) => ((f as { failedInFlight?: number }).failedInFlight ? ['in-flight requests failed'] : [])],
    ['drain 2', () => drainUnderLoad(2), (f) => ((f as { failedInFlight?: number }).failedInFlight ? ['in-flight requests failed'] : [])],
    ['generator worker killed', generatorWorkerKilled, (f) => {
      const g = f as Awaited<ReturnType<typeof generatorWorkerKilled>>;
      return [...(g.stagesKept === 1 ? [] : ['finished stage lost']), ...(g.failedStageReason?.includes('GW_ERR_WORKER') ? [] : ['failed stage has no reason'])];
    }],
  ];
  const lines = ['| fault | requests | errors (by kind) | 5xx by status | recovery | crashes | orphans | hung | ok | notes |', '|---|---|---|---|---|---|---|---|---|---|'];
  let failures = 0;
  let crashes = 0;
  let orphans = 0;
  let lost = 0;
  for (const [label, run, extra] of runs) {
    log(`fault: ${label}...`);
    const f = await run();
    const problems = [...(f.hung ? ['hung'] : []), ...(f.crashes ? ['crash'] : []), ...(f.orphans ? ['orphans'] : []), ...extra(f)];
    if (problems.length) failures++;
    crashes += f.crashes;
    orphans += f.orphans;
    if (problems.includes('finished stage lost')) lost++;
    const rec = f.recoveryMs === null ? `n/a (${f.recoveryNote ?? 'did not recover'})` : `${(f.recoveryMs / 1000).toFixed(1)} s`;
    lines.push(`| **${f.name}**: ${f.fault} | ${f.requests} | ${fmtErrors(f.errors)} | ${byStatus(f.errors) || '-'} | ${rec} | ${f.crashes} | ${f.orphans} | ${f.hung ? 'yes' : 'no'} | ${problems.length ? `**no**: ${problems.join(', ')}` : 'yes'} | ${f.notes.join('; ').replace(/\|/g, '\\|')} |`);
  }
  rows.push({ category: 'Faults under load', tried: `${runs.length} faults (upstream kill/stall/RST/refuse, gateway worker kill, 100 reloads, SIGTERM drain x2, generator worker kill)`, count: runs.length, failures, crashes, lost, orphans, detail: [] });
  sections.push('### Faults under load (200 req/s, 16 connections, 6 s stages unless noted; recovery at 1 s resolution)\n', ...lines, '');
}

// 5. The last soak.
const soakFile = join(PACKAGE_ROOT, 'docs', 'reliability', 'soak.json');
if (existsSync(soakFile)) {
  const s = JSON.parse(readFileSync(soakFile, 'utf8')) as SoakResult;
  const pct = (d: { drift: number } | null) => (d ? `${(d.drift * 100).toFixed(1)} %` : 'n/a');
  sections.push(
    `### Soak (${s.startedAt.slice(0, 16)}Z, ${s.minutes} min at ${s.rateRps}/s, ${s.connections} connections, Node ${s.node})\n`,
    `Verdict: **${s.verdict}** - RSS drift ${pct(s.rss)} (limit 5 %), p99 drift ${pct(s.p99)} (limit 10 %)${s.reasons.length ? `; ${s.reasons.join('; ')}` : ''}. Capacity probe: ${s.capacityRps === null ? 'no step passed on this machine, so the rate is a fixed 100/s' : `${s.capacityRps}/s`}.\n`,
    '![soak curves](reliability/soak.png)\n',
    `Each window is its own stage; its p99 counts toward the drift only when its generator kept up (lag bound within max(${SOAK_LAG_FLOOR_MS} ms, 5% of p99)): ${s.generator.validWindows ?? 'n/a'} of ${s.generator.windows ?? s.windows.length} windows.\n`,
    '| minute | requests | errors | p99 (ms) | generator lag bound (ms) | RSS (MiB) |', '|---|---|---|---|---|---|',
    ...s.windows.map((w) => `| ${w.minute.toFixed(2)} | ${w.requests} | ${w.errors} | ${w.p99Ms?.toFixed(2) ?? 'n/a'}${w.generatorValid === false ? ' (generator behind: not judged)' : ''} | ${w.lagBoundMs?.toFixed(2) ?? 'n/a'} | ${w.rssMiB?.toFixed(1) ?? 'n/a'} |`), '',
  );
  rows.push({ category: 'Soak', tried: `${s.minutes} min at ${s.rateRps}/s: verdict ${s.verdict}`, count: s.windows.reduce((a, w) => a + w.requests, 0), failures: s.verdict === 'leak suspected' ? 1 : 0, crashes: 0, lost: 0, orphans: 0, detail: [] });
}

const summary = [
  `Generated by \`npm run reliability\` on ${new Date().toISOString().slice(0, 16)}Z (Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores).\n`,
  '| category | inputs or faults tried | failures | crashes | finished stages lost | orphan processes |', '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.category} | ${r.tried} | ${r.failures} | ${r.crashes} | ${r.lost} | ${r.orphans} |`), '',
];
const block = ['<!-- reliability:begin (generated by npm run reliability; edit scripts/reliability-report.ts instead) -->', '', ...summary, ...sections, '<!-- reliability:end -->'].join('\n');
const doc = existsSync(DOC) ? await readFile(DOC, 'utf8') : '# Reliability\n\n<!-- reliability:begin -->\n<!-- reliability:end -->\n';
const next = doc.replace(/<!-- reliability:begin[\s\S]*?<!-- reliability:end -->/, block);
await writeFile(DOC, next);
log(`wrote ${DOC}`);
process.exitCode = rows.some((r) => r.failures || r.crashes || r.orphans || r.lost) ? 1 : 0;
