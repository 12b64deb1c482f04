import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblems, parseScenario } from '../../core/scenario/load.js';
import { gwBench, plainScenario } from './helpers.js';

/**
 * Every own-gateway field and flag rejects a bad value with a line naming the field and
 * the value (validate: exit 2). Scenarios are checked in-process; the CLI is checked once
 * for the exit code and the --json document, and for gate --base-ref outside a repository.
 */

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'gwb-bad-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

const cmd = '  command: node server.mjs\n';
const cases: Array<{ name: string; target?: string; requests?: string; extra?: string; want: RegExp }> = [
  { name: 'command with a baseline impl', target: '  impl: reference\n  command: node x.js', want: /^target\.command .*only applies to target\.impl "command" \(impl is "reference"\)/ },
  { name: 'impl command without command', target: '  impl: command', want: /^target\.command .*is required when target\.impl is "command"/ },
  { name: 'cwd not a directory', target: `${cmd}  cwd: ./nope`, want: /^target\.cwd .*"\.\/nope" is not a directory/ },
  { name: 'build without command', target: '  url: http://127.0.0.1:1\n  build: make', want: /^target\.build .*"make" only applies with target\.command/ },
  { name: 'env value not a string', target: `${cmd}  env: { A: [1] }`, want: /^target\.env\.A .*\[1\]/ },
  { name: 'readyUrl off loopback', target: `${cmd}  readyUrl: http://example.com/health`, want: /^target\.readyUrl .*"http:\/\/example\.com\/health" is neither a path/ },
  { name: 'readyPattern not a regexp', target: `${cmd}  readyPattern: "ready ("`, want: /^target\.readyPattern .*"ready \(" is not a regular expression/ },
  { name: 'readyUrl and readyPattern', target: `${cmd}  readyUrl: /h\n  readyPattern: x`, want: /^target\.readyPattern .*not both/ },
  { name: 'readyTimeout not a duration', target: `${cmd}  readyTimeout: soon`, want: /^target\.readyTimeout .*"soon"/ },
  { name: 'contract unknown', target: `${cmd}  contract: k6`, want: /^target\.contract .*"k6"/ },
  { name: 'contract none for the reference gateway', target: '  impl: reference\n  contract: none', want: /^target\.contract .*"none" applies to target\.command or an external url; "reference"/ },
  { name: 'upstreams with contract none', target: cmd, extra: 'upstreams: [{ name: user }]\n', want: /^upstreams .*contract is "none"/ },
  { name: 'tokenFile missing', target: cmd, extra: 'auth: { tokenFile: ./no-tokens.txt }\n', want: /^auth\.tokenFile .*"\.\/no-tokens\.txt" cannot be read \(ENOENT\)/ },
  { name: 'tokenFile empty', target: cmd, extra: 'auth: { tokenFile: ./empty.txt }\n', want: /^auth\.tokenFile .*"\.\/empty\.txt" has no tokens/ },
  { name: 'header without a colon', target: cmd, extra: 'auth: { header: "x-api-key secret" }\n', want: /^auth\.header .*"x-api-key secret"/ },
  { name: 'header gw-bench owns', target: cmd, extra: 'auth: { header: "Host: x" }\n', want: /^auth\.header .*"Host: x": gw-bench sets Host itself/ },
  { name: 'body on GET', target: cmd, requests: '  - { path: /, body: "x" }', want: /^requests\[0\]\.body .*a GET request cannot carry a body/ },
  { name: 'body and bodySize', target: cmd, requests: '  - { method: POST, path: /, body: "x", bodySize: 1KB }', want: /^requests\[0\]\.body .*give body or bodySize, not both/ },
  { name: 'unknown variable in body', target: cmd, requests: '  - { method: POST, path: /, body: "${user}" }', want: /^requests\[0\]\.body .*unknown variable \$\{user\}/ },
  { name: 'unknown variable in a header', target: cmd, requests: '  - { path: /, headers: { x-a: "${uuid}" } }', want: /^requests\[0\]\.headers\.x-a .*unknown variable \$\{uuid\}/ },
  { name: 'expect.status out of range', target: cmd, requests: '  - { path: /, expect: { status: [200, 600] } }', want: /^requests\[0\]\.expect\.status\[1\] .*600/ },
  { name: 'expect.status class unknown', target: cmd, requests: '  - { path: /, expect: { status: ["2XX"] } }', want: /^requests\[0\]\.expect\.status\[0\] .*"2XX"/ },
  { name: 'expect without status', target: cmd, requests: '  - { path: /, expect: { code: 200 } }', want: /^requests\[0\]\.expect/ },
];

for (const c of cases) {
  test(`bad input: ${c.name}`, async () => {
    await writeFile(join(dir, 'empty.txt'), '# nothing\n\n');
    const file = join(dir, 'bad.yaml');
    const { problems } = parseScenario(plainScenario({ target: c.target, requests: c.requests, extra: c.extra }), file);
    const lines = formatProblems(problems);
    assert.ok(lines.some((l) => c.want.test(l)), `${c.want} not in:\n${lines.join('\n')}`);
  });
}

test('validate --json: exit 2, the problems in the JSON document on stdout, the message on stderr', async () => {
  await writeFile(join(dir, 'bad-cli.yaml'), plainScenario({ target: `${cmd}  readyPattern: "("` }));
  const r = await gwBench(dir, ['validate', 'bad-cli.yaml', '--json'], 30_000);
  assert.equal(r.status, 2, r.stderr);
  const doc = JSON.parse(r.stdout) as { ok: boolean; files: Array<{ ok: boolean; code: string; problems: string[] }> };
  assert.equal(doc.ok, false);
  assert.equal(doc.files[0]!.code, 'GW_ERR_SCENARIO_INVALID');
  assert.ok(doc.files[0]!.problems.some((p) => /^target\.readyPattern \(line \d+\): "\(" is not a regular expression/.test(p)), doc.files[0]!.problems.join('\n'));
  assert.match(r.stderr, /GW_ERR_SCENARIO_INVALID/);
});

test('gate --base-ref outside a git repository: exit 2 naming the flag', async () => {
  await writeFile(join(dir, 'ok.yaml'), plainScenario({ target: cmd }));
  const r = await gwBench(dir, ['gate', 'ok.yaml', '--base-ref', 'HEAD~1'], 30_000);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--base-ref: .* is not inside a git repository/);
});
