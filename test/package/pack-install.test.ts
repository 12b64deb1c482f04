import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.js';
import { plainScenario, runAsync, SERVER_JS } from '../own-gateway/helpers.js';

/**
 * The package as users get it: `npm pack`, install the tarball into an empty project in
 * a temp dir outside the repository, then `npx gw-bench --help`, `validate` and quick runs
 * there (a team's own gateway via target.command, and the shipped smoke scenario against
 * the reference gateway and mock upstreams started from node_modules). Outputs must land
 * in the project's ./reports. Installing pulls ~160 MB of dependencies (from the npm
 * cache when warm), so this runs in .ci/run (GW_BENCH_PACK_TEST=1), not in `npm test`.
 */

const enabled = process.env['GW_BENCH_PACK_TEST'] === '1';
let dir: string;
let proj: string;
const npm = (args: string[], cwd: string, ms = 300_000) => runAsync('npm', args, cwd, ms);
const npx = (args: string[], ms = 120_000) => runAsync('npx', ['--no-install', 'gw-bench', ...args], proj, ms);

before(async () => {
  if (!enabled) return;
  dir = await mkdtemp(join(tmpdir(), 'gwb-pack-'));
  proj = join(dir, 'my-gateway');
  // dist/ is built by `npm test` / `npm run build` already; prepack would only rebuild it.
  const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], PACKAGE_ROOT);
  assert.equal(packed.status, 0, packed.stderr);
  const info = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = info[0]!.files.map((f) => f.path);
  assert.ok(files.includes('dist/cli/main.js') && files.includes('bin/gw-bench.js') && files.includes('scenarios/schema.json'));
  assert.deepEqual(files.filter((f) => f.startsWith('dist/test/') || f.startsWith('dist/scripts/') || f.endsWith('.map') || f.endsWith('.ts') && !f.endsWith('.d.ts')), [], 'no tests, scripts, maps or sources');
  await import('node:fs/promises').then((fs) => fs.mkdir(proj));
  await writeFile(join(proj, 'package.json'), JSON.stringify({ name: 'my-gateway', version: '1.0.0', private: true }));
  const inst = await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '-D', join(dir, info[0]!.filename)], proj);
  assert.equal(inst.status, 0, inst.stderr);
});
after(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

test('installed tarball: --help, validate, a quick run of your own gateway', { skip: !enabled && 'set GW_BENCH_PACK_TEST=1 (.ci/run does)', timeout: 400_000 }, async () => {
  const help = await npx(['--help']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /gw-bench run <scenario>/);
  await writeFile(join(proj, 'server.mjs'), SERVER_JS);
  await writeFile(join(proj, 'bench.yaml'), plainScenario({ name: 'mine' }));
  const v = await npx(['validate', 'bench.yaml', '--json']);
  assert.equal(v.status, 0, v.stderr);
  assert.equal((JSON.parse(v.stdout) as { ok: boolean }).ok, true);
  const r = await npx(['run', 'bench.yaml', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { stages: Array<{ errorRate: number; requests: number }> };
  assert.equal(result.stages[0]!.errorRate, 0);
  const runs = readdirSync(join(proj, 'reports')).filter((d) => /^mine-\d{8}-\d{6}$/.test(d));
  assert.equal(runs.length, 1);
  assert.ok(existsSync(join(proj, 'reports', runs[0]!, 'report.html')), 'report rendered (charts work from the package)');
});

test('installed tarball: the shipped smoke scenario against the reference gateway', { skip: !enabled && 'set GW_BENCH_PACK_TEST=1 (.ci/run does)', timeout: 200_000 }, async () => {
  await copyFile(join(proj, 'node_modules', 'gw-bench', 'scenarios', 'smoke.yaml'), join(proj, 'smoke.yaml'));
  // What is tested is that the installed package starts the reference and mock upstreams and
  // measures every stage; whether the generator kept up on a busy box is run.test.ts's business.
  const r = await npx(['run', 'smoke.yaml', '--quick', '--no-report', '--json', '--allow-invalid', '--out', 'reports/smoke'], 180_000);
  assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr.slice(-2000)}`);
  const result = JSON.parse(readFileSync(join(proj, 'reports', 'smoke', 'result.json'), 'utf8')) as { status: string; target: { impl: string }; stages: Array<{ status: string; requests: number }> };
  assert.ok(['complete', 'incomplete'].includes(result.status), result.status);
  assert.equal(result.target.impl, 'reference');
  assert.ok(result.stages.length > 0 && result.stages.every((st) => ['ok', 'invalid'].includes(st.status) && st.requests > 0), JSON.stringify(result.stages.map((st) => [st.status, st.requests])));
});
