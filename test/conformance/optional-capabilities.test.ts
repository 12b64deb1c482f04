import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { implCapabilities, parseCapabilities, runConformance, REFERENCE_CAPABILITIES, type ConformanceReport } from '../../harness/conformance/index.js';
import { summaryLine, checkLine } from '../../harness/conformance/format.js';
import { UsageError } from '../../core/errors.js';
import { optionalNotRun } from '../../harness/conformance/runner.js';
import { ALL_CHECKS } from '../../harness/conformance/checks/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GATEWAY = 'node bin/gw-bench.js gateway';
const OPTIONAL = ['shadow-mirror', 'shadow-isolated', 'region-breaker'];

const byName = (rep: ConformanceReport, name: string) => rep.checks.find((c) => c.name === name)!;

describe('optional capability checks', () => {
  it('capability lists: reference declares shadow and region-breaker; baselines without a list declare none; unknown names are usage errors', () => {
    assert.deepEqual(implCapabilities('reference'), [...REFERENCE_CAPABILITIES]);
    assert.deepEqual(implCapabilities('go-nethttp'), []);
    assert.throws(() => parseCapabilities(['shadow', 'teleport'], '--capabilities'), (e: unknown) => e instanceof UsageError && /--capabilities: "teleport" is not a capability/.test(e.message));
    assert.throws(() => implCapabilities('no-such-impl'), UsageError);
  });

  it('not declared: the optional checks show "not implemented", never failed, and the run conforms', async () => {
    const rep = await runConformance({ implCommand: GATEWAY, implCwd: ROOT, only: ['healthz', ...OPTIONAL] });
    assert.equal(rep.ok, true);
    assert.equal(rep.failed, 0);
    assert.equal(rep.passed, 1);
    assert.equal(rep.notImplemented, 3);
    for (const n of OPTIONAL) {
      const c = byName(rep, n);
      assert.equal(c.notImplemented, true);
      assert.match(checkLine(c), /^N\/A  .*not implemented \(capability "(shadow|region-breaker)" not declared\)$/);
    }
    assert.match(summaryLine(rep), /1 passed, 0 failed, 3 not implemented of 4 checks/);
  });

  it('declared by the reference gateway with 2 workers: the whole suite passes, optional checks included', async () => {
    // The shell prefix overrides the suite's GW_WORKERS=1.
    const rep = await runConformance({ implCommand: `GW_WORKERS=2 ${GATEWAY}`, implCwd: ROOT, capabilities: REFERENCE_CAPABILITIES });
    assert.equal(rep.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.reason}`).join('\n'), '');
    assert.equal(rep.notImplemented, 0);
    for (const n of OPTIONAL) assert.equal(byName(rep, n).ok, true);
    assert.ok(rep.passed >= 46, `${rep.passed} passed`);
  });

  it('declared but not really there: the checks fail (a declaration is tested, not trusted)', async () => {
    // The suite passes GW_SHADOW_UPSTREAM and GW_BREAKER_REGION_HEADER; blanking them turns the features off.
    const rep = await runConformance({
      implCommand: GATEWAY, implCwd: ROOT, capabilities: ['shadow', 'region-breaker'],
      implEnv: { GW_SHADOW_UPSTREAM: '', GW_BREAKER_REGION_HEADER: '' }, only: ['shadow-mirror', 'region-breaker'],
    });
    assert.equal(rep.ok, false);
    assert.match(byName(rep, 'shadow-mirror').reason!, /shadow upstream did not receive it/);
    assert.match(byName(rep, 'region-breaker').reason!, /region-b call 1 while region-a's breaker is open: expected 200, got 503/);
  });

  it('declared but in --url mode: skipped with the reason, not failed', () => {
    const check = ALL_CHECKS.find((c) => c.name === 'shadow-mirror')!;
    const r = optionalNotRun(check, ['shadow'], 'external-upstreams')!;
    assert.equal(r.skipped, true);
    assert.equal(r.ok, true);
    assert.match(checkLine(r), /^N\/A  shadow-mirror: skipped: .*need --impl-command$/);
    assert.equal(optionalNotRun(check, ['shadow'], 'impl-command'), null);
    assert.equal(optionalNotRun(ALL_CHECKS[0]!, [], 'own-upstreams'), null, 'contract checks always run');
  });
});
