import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostWarnings } from '../../harness/host-checks.js';

/** A fake /sys holding the given files (path below /sys -> content). */
function fakeSysFiles(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'gwb-sys-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), `${content}\n`);
  }
  return root;
}

/** A fake /sys with one kdamond whose scheme has the given state and action. */
function fakeSys(state: string, action: string): string {
  const k = 'kernel/mm/damon/admin/kdamonds/0';
  return fakeSysFiles({ [`${k}/state`]: state, [`${k}/contexts/0/schemes/0/action`]: action });
}

test('hostWarnings: a running DAMON pageout scheme is named, with what to do', () => {
  const sys = fakeSys('on', 'pageout');
  try {
    const w = hostWarnings(sys);
    assert.equal(w.length, 1);
    assert.match(w[0]!, /proactive reclaim is on \(DAMON kdamond 0, action pageout\).*troubleshooting/);
  } finally { rmSync(sys, { recursive: true, force: true }); }
});

test('hostWarnings: DAMON off, another action, or no DAMON at all: nothing', () => {
  for (const [state, action] of [['off', 'pageout'], ['on', 'stat']] as const) {
    const sys = fakeSys(state, action);
    try { assert.deepEqual(hostWarnings(sys), [], `${state}/${action}`); } finally { rmSync(sys, { recursive: true, force: true }); }
  }
  assert.deepEqual(hostWarnings('/nonexistent-sys'), []);
});

/** A fake /sys with only the cpuidle driver and the haltpoll parameter. */
function fakeIdle(driver: string, pollNs: string): string {
  return fakeSysFiles({ 'devices/system/cpu/cpuidle/current_driver': driver, 'module/haltpoll/parameters/guest_halt_poll_ns': pollNs });
}

test('hostWarnings: haltpoll with guest polling off is named, with the file to change; polling on or another driver: nothing', () => {
  const off = fakeIdle('haltpoll', '0');
  try {
    const w = hostWarnings(off);
    assert.equal(w.length, 1);
    assert.match(w[0]!, /guest halt polling is off \(.*guest_halt_poll_ns = 0\).*echo 200000/);
  } finally { rmSync(off, { recursive: true, force: true }); }
  for (const [driver, ns] of [['haltpoll', '200000'], ['intel_idle', '0']] as const) {
    const sys = fakeIdle(driver, ns);
    try { assert.deepEqual(hostWarnings(sys), [], `${driver}/${ns}`); } finally { rmSync(sys, { recursive: true, force: true }); }
  }
});
