import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gw, writeScenario } from './cli-helpers.js';

test('plan, agent, merge, clock: a bad flag is one line naming the flag and value, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gwb-dist-usage-'));
  const sc = writeScenario(dir, [{ name: 'a', connections: 4, rate: 10 }]);
  const out = join(dir, 'plan');
  const cases: Array<[string[], RegExp]> = [
    [['plan', sc, '--agents', '0', '--out', out, '--target', 'http://127.0.0.1:8080'], /--agents: 0 is not a whole number >= 1/],
    [['plan', sc, '--agents', '2', '--out', out, '--target', 'http://10.0.0.5:8080'], /--target: "http:\/\/10\.0\.0\.5:8080" is not a loopback address; give --allow-remote-target only for hosts and clusters you own/],
    [['plan', sc, '--agents', '2', '--out', out], /--target: missing/],
    [['plan', sc, '--agents', '2', '--out', out, '--target', 'http://127.0.0.1:8080', '--start-at', 'tomorrow'], /--start-at: "tomorrow" is not an ISO time/],
    [['plan', sc, '--agents', '2', '--out', out, '--target', 'http://127.0.0.1:8080', '--start-in', 'soon'], /--start-in: "soon" is not a duration/],
    [['plan', sc, '--agents', '2', '--out', out, '--target', 'http://127.0.0.1:8080', '--clock-url', 'ftp://x'], /--clock-url: "ftp:\/\/x" is not http:\/\/host:port\/time/],
    [['plan', sc, '--agents', '5', '--out', out, '--target', 'http://127.0.0.1:8080'], /load\.stages\[0\]\.connections.*4 connections cannot be split over 5 agents/s],
    [['agent', '--plan', join(dir, 'nope.json'), '--out', join(dir, 'o')], /--plan .*nope\.json: cannot be read \(ENOENT\)/],
    [['agent', '--plan', sc, '--out', join(dir, 'o')], /--plan .*scenario\.yaml: not valid JSON/],
    [['agent', '--plan', sc, '--out', join(dir, 'o'), '--metrics-host', 'anywhere'], /--metrics-host: "anywhere" is not an IP address/],
    [['merge', join(dir, 'none'), '--out', join(dir, 'm'), '--expect-agents', '-1'], /--expect-agents: -1 is not a whole number >= 1/],
    [['merge', join(dir, 'none'), '--out', join(dir, 'm')], /merge: no agent\.json in/],
    [['clock', '--port', '70000'], /--port: 70000 is not a port/],
  ];
  try {
    for (const [args, re] of cases) {
      const r = gw(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status} ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
      if (args[0] !== 'plan' || !/split/.test(re.source)) assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    }
    assert.ok(!existsSync(out), 'a rejected plan writes nothing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
