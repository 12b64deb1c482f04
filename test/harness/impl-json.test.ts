import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { GwBenchError } from '../../core/errors.js';
import { checkImplJson } from '../../harness/processes/impl-schema.js';
import { listImpls, referenceImpl } from '../../harness/processes/impls.js';

const refusal = (text: string): GwBenchError => {
  try { checkImplJson(text, 'baselines/x/impl.json'); } catch (e) { return e as GwBenchError; }
  assert.fail(`accepted ${text}`);
};

test('impl.json: every shipped implementation passes the schema, and listing them reads their flags', () => {
  const dir = join(process.cwd(), 'baselines');
  const files = readdirSync(dir).map((d) => join(dir, d, 'impl.json')).filter(existsSync);
  assert.ok(files.length >= 4, `found ${files.length} impl.json files`);
  for (const f of files) checkImplJson(readFileSync(f, 'utf8'), f);
  const go = listImpls().find((i) => i.name === 'go-nethttp');
  assert.equal(go?.multiProcess, true);
  assert.equal(go?.balancedAccept, false, 'absent balancedAccept means the kernel spreads the accepts');
});

test('impl.json: a flag of the wrong type or a misspelt key is refused by name with exit 2, not read as truthy or ignored', () => {
  const base = { name: 'x', language: 'go', multiProcess: true, heapMetrics: { used: null, total: null } };
  const yes = refusal(JSON.stringify({ ...base, balancedAccept: 'yes' }));
  assert.equal(yes.code, 'GW_ERR_CONFIG_INVALID');
  assert.equal(yes.exitCode, 2);
  assert.match(yes.message, /baselines\/x\/impl\.json is invalid/);
  assert.ok(yes.details.some((l) => /^balancedAccept: "yes" .*boolean/.test(l)), yes.details.join('\n'));
  const typo = refusal(JSON.stringify({ ...base, multiprocess: true }));
  assert.ok(typo.details.some((l) => l.includes('multiprocess') && l.includes('did you mean "multiProcess"')), typo.details.join('\n'));
  const max = refusal(JSON.stringify({ ...base, maxConnections: 0 }));
  assert.deepEqual(max.details, ['maxConnections: 0 must be >= 1']);
  assert.deepEqual(refusal(JSON.stringify({ ...base, maxConnections: 'many' })).details, ['maxConnections: "many" must be integer or null']);
  assert.match(refusal('{"name": ').message, /is not JSON/);
});

test('reference: planned as balanced unless the harness environment turns cluster.balance off', () => {
  assert.equal(referenceImpl({}).balancedAccept, true);
  assert.equal(referenceImpl({ GW_CLUSTER_BALANCE: '1.5' }).balancedAccept, true);
  assert.equal(referenceImpl({ GW_CLUSTER_BALANCE: 'off' }).balancedAccept, false);
});
