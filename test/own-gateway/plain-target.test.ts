import { after, before, test } from 'node:test';
import { plainServer } from '../support/plain-server.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../core/result.js';
import { gwBench, plainScenario, SERVER_JS } from './helpers.js';

/**
 * Plain HTTP targets (contract: none): a wrk2-style scenario (one URL, constant rate, a
 * few connections) against a node:http server gw-bench did not start, with expect 200:
 * every 200 is a success (it used to count as `unexpected_2xx` for auth: none), 0 errors,
 * no mock upstreams, outputs in ./reports of the current directory. Then target.command
 * with header and body templates and tokens from a file, checked on the server side.
 */

let dir: string;
let closeServer: () => Promise<void>;
let url: string;
let seen = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gwb-plain-'));
  ({ url, close: closeServer } = await plainServer(() => { seen++; }));
});
after(async () => {
  await closeServer();
  await rm(dir, { recursive: true, force: true });
});

test('wrk2-style scenario against a plain node:http server: expect 200, 0 errors, exit 0', { timeout: 60_000 }, async () => {
  await writeFile(join(dir, 'plain.yaml'), plainScenario({ target: `  url: ${url}`, requests: '  - { path: /, auth: none, expect: { status: [200] } }' }));
  const r = await gwBench(dir, ['run', 'plain.yaml', '--json', '--no-report'], 55_000);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const result = JSON.parse(r.stdout) as RunResult;
  const st = result.stages[0]!;
  assert.equal(st.status, 'ok', st.reasons.join('; '));
  assert.ok(st.requests > 50, `requests ${st.requests}`);
  assert.equal(st.errorRate, 0, JSON.stringify(st.errors));
  assert.deepEqual(Object.keys(st.errors).filter((k) => !k.startsWith('expected_')), []);
  assert.ok(seen >= st.requests, 'the server saw the requests');
  assert.equal((result.scenario.spec as { target: { contract: string } }).target.contract, 'none');
  assert.match(r.stderr, /results: .*reports\/own-\d{8}-\d{6}/);
  assert.ok(result.stages.length === 1 && readFileSync(join(dir, 'reports', r.stderr.match(/own-\d{8}-\d{6}/)![0], 'result.json'), 'utf8').length > 0);
});

test('an external plain target needs no expect: auth none and 2xx are a success by default', { timeout: 60_000 }, async () => {
  await writeFile(join(dir, 'default.yaml'), plainScenario({ name: 'dflt', target: `  url: ${url}`, requests: '  - { path: / }' }));
  const r = await gwBench(dir, ['run', 'default.yaml', '--json', '--no-report', '--out', join(dir, 'out-default')], 55_000);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const st = (JSON.parse(r.stdout) as RunResult).stages[0]!;
  assert.equal(st.errorRate, 0, JSON.stringify(st.errors));
});

test('an unexpected status is an error named unexpected_status (exit 4 above the error limit)', { timeout: 60_000 }, async () => {
  await writeFile(join(dir, 'wrong.yaml'), plainScenario({ name: 'wrong', target: `  url: ${url}`, requests: '  - { path: /, expect: { status: [204] } }' }));
  const r = await gwBench(dir, ['run', 'wrong.yaml', '--json', '--no-report', '--out', join(dir, 'out-wrong')], 55_000);
  assert.equal(r.status, 4, r.stderr.slice(-2000));
  const st = (JSON.parse(r.stdout) as RunResult).stages[0]!;
  assert.equal(st.errorRate, 1);
  assert.ok((st.errors['unexpected_status'] ?? 0) > 0 && (st.errors['status_200'] ?? 0) > 0, JSON.stringify(st.errors));
});

test('target.command with header and body templates and auth.tokenFile: what the server received', { timeout: 60_000 }, async () => {
  const cdir = join(dir, 'cmd');
  await rm(cdir, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(cdir));
  await writeFile(join(cdir, 'server.mjs'), SERVER_JS);
  await writeFile(join(cdir, 'tokens.txt'), '# one per line\ntok-a\ntok-b\n');
  const seenFile = join(cdir, 'seen.jsonl');
  await writeFile(join(cdir, 'cmd.yaml'), plainScenario({
    name: 'cmd',
    target: `  command: node server.mjs\n  env: { SEEN_FILE: ${JSON.stringify(seenFile)}, MY_PORT: "p\${port}" }\n  readyUrl: /`,
    requests: `  - { name: echo, method: POST, path: "/echo?u=\${uid}", headers: { x-user: "u-\${uid}" }, body: '{"uid":\${uid},"seq":\${seq}}', expect: { status: [201] } }`,
    extra: 'auth: { tokenFile: tokens.txt }\n',
  }));
  const r = await gwBench(cdir, ['run', 'cmd.yaml', '--json', '--no-report'], 55_000);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  const st = (JSON.parse(r.stdout) as RunResult).stages[0]!;
  assert.equal(st.errorRate, 0, JSON.stringify(st.errors));
  const lines = readFileSync(seenFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { method: string; url: string; body: string; user: string; auth: string })
    .filter((l) => l.url !== '/'); // the readiness probe (readyUrl: /)
  assert.ok(lines.length > 50);
  for (const l of lines) {
    const uid = /u=(\d+)/.exec(l.url)![1];
    assert.equal(l.method, 'POST');
    assert.equal(l.user, `u-${uid}`, 'same ${uid} in path and header');
    assert.equal(JSON.parse(l.body).uid, Number(uid), 'same ${uid} in path and body');
    assert.ok(['Bearer tok-a', 'Bearer tok-b'].includes(l.auth), l.auth);
  }
  assert.equal(new Set(lines.map((l) => JSON.parse(l.body).seq)).size, lines.length, '${seq} differs per request');
  assert.equal(new Set(lines.map((l) => l.auth)).size, 2, 'tokens rotate');
});
