import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gwBench, plainScenario, SERVER_JS } from './helpers.js';

/**
 * The gate in a team's own repository: a tiny git repo whose gateway (a node:http script
 * started through target.command, "built" by target.build) gains 5 ms per request in its
 * second commit. `gate --base-ref HEAD~1` checks out the first commit in a worktree of
 * THAT repository, builds it, alternates base and candidate, and fails (exit 1); the
 * repository against its own HEAD passes (exit 0). 3 ABBA pairs of a 1.5 s stage each.
 */

let repo: string;
const GATE = `gate:
  thresholds: ["errors < 1%"]
  relative:
    pairs: 3
    confirmPairs: 0
    seed: 5
    metrics:
      # +5 ms is several times the base p50 of ~1 ms on a quiet machine, but a busy one
      # (generator lag) lifted the base p50 to ~5 ms and the slowdown to +60% once. A
      # false regression needs all 3 A/A pairs worse and a median beyond +30%.
      p50: { warn: 15%, fail: 30% }
`;

before(async () => {
  repo = await mkdtemp(join(tmpdir(), 'gwb-user-repo-'));
  await writeFile(join(repo, 'server.mjs'), SERVER_JS);
  // target.build proves it runs in each revision's own folder: it writes a marker there.
  await writeFile(join(repo, 'bench.yaml'), plainScenario({ name: 'mine', target: '  command: node server.mjs\n  build: echo built > .built\n  readyPattern: "^ready on"', extra: GATE }));
  await writeFile(join(repo, '.gitignore'), 'reports/\n.built\n');
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'fast gateway');
  await writeFile(join(repo, 'server.mjs'), SERVER_JS.replace("Number(process.env.DELAY_MS ?? 0)", '5'));
  git(repo, 'commit', '-qam', 'slow gateway: +5 ms per request');
});
after(async () => { await rm(repo, { recursive: true, force: true }); });

test('gate --base-ref HEAD~1 in the user repository: +5 ms per request fails (exit 1)', { timeout: 150_000 }, async () => {
  const r = await gwBench(repo, ['gate', 'bench.yaml', '--base-ref', 'HEAD~1', '--json'], 140_000);
  assert.equal(r.status, 1, r.stderr.slice(-3000));
  const g = JSON.parse(r.stdout) as { mode: string; base: { sha?: string }; verdict: { status: string; reasons: string[] }; comparisons: Array<{ metric: string; verdict: string }>; trials: unknown[] };
  assert.equal(g.mode, 'relative');
  assert.equal(g.trials.length, 6);
  assert.equal(g.base.sha, git(repo, 'rev-parse', 'HEAD~1').trim());
  assert.equal(g.comparisons.find((c) => c.metric === 'p50')?.verdict, 'regression', JSON.stringify(g.verdict));
  assert.ok(existsSync(join(repo, '.built')), 'target.build ran in the working tree');
  // Outputs land in the user's ./reports, the base worktree is gone.
  assert.ok(readdirSync(join(repo, 'reports')).some((d) => /^gate-\d{8}-\d{6}$/.test(d)));
  assert.equal(git(repo, 'worktree', 'list').trim().split('\n').length, 1);
});

test('the same repository against itself passes (exit 0)', { timeout: 150_000 }, async () => {
  const r = await gwBench(repo, ['gate', 'bench.yaml', '--base-ref', 'HEAD', '--json'], 140_000);
  assert.equal(r.status, 0, r.stderr.slice(-3000));
  const g = JSON.parse(r.stdout) as { verdict: { status: string }; comparisons: Array<{ metric: string; verdict: string }> };
  assert.ok(['pass', 'warn', 'inconclusive'].includes(g.verdict.status), JSON.stringify(g.verdict));
  assert.notEqual(g.comparisons.find((c) => c.metric === 'p50')?.verdict, 'regression');
});

test('gate --base-ref naming no commit of the user repository: exit 2 naming the ref, nothing measured', { timeout: 60_000 }, async () => {
  const r = await gwBench(repo, ['gate', 'bench.yaml', '--base-ref', 'no-such-branch'], 55_000);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--base-ref: "no-such-branch" is not a commit in /);
  assert.equal(git(repo, 'worktree', 'list').trim().split('\n').length, 1);
});
