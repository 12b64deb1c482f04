import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../core/result.js';
import { BIN, gwBench } from './helpers.js';

/**
 * target.command with `contract: gw-bench`: the command gets the contract environment
 * (port, mock upstream addresses, JWT key), passes the contract check and serves the mix
 * with generated tokens. The gateway here is gw-bench's reference gateway started as if
 * it were the user's own, so every piece of that environment is actually used: a wrong
 * port, upstream list or key would fail the contract check (exit 4) or turn the valid
 * requests into 401/502 errors.
 */

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'gwb-cmd-contract-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

test('target.command + contract gw-bench: contract env, contract check, 0 errors, 401s expected', { timeout: 90_000 }, async () => {
  await writeFile(join(dir, 'c.yaml'), `version: 1
name: cmdc
target:
  command: ${JSON.stringify(`"${process.execPath}" "${BIN}" gateway`)}
  contract: gw-bench
  readyUrl: /healthz
  workers: 1
upstreams:
  - { name: user, latency: { model: constant, value: 1ms } }
auth: { tokens: 20 }
requests:
  - { name: user, weight: 9, path: "/api/user/\${uid}" }
  - { name: no-token, weight: 1, path: "/api/user/\${uid}", auth: none }
load:
  arrival: constant
  workers: 1
  warmup: 500ms
  duration: 1s
  stages: [{ name: c5, connections: 5, rate: 100/s }]
generator: { maxSendLagP99: 500ms, maxEventLoopP99: 500ms, maxCpu: 100% }
`);
  const r = await gwBench(dir, ['run', 'c.yaml', '--json', '--no-report'], 85_000);
  assert.equal(r.status, 0, r.stderr.slice(-2500));
  const res = JSON.parse(r.stdout) as RunResult;
  const st = res.stages[0]!;
  assert.equal(res.target.impl, 'command');
  assert.equal(st.errorRate, 0, JSON.stringify(st.errors));
  assert.ok((st.errors['expected_401'] ?? 0) > 0, `no-token requests got 401: ${JSON.stringify(st.errors)}`);
});
