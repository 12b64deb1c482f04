import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { get as httpGet } from 'node:http';
import { goodClaims, hsToken, startStandIn, startTestGateway, testClient, upstreamsFor, type StandIn } from './helpers.js';
import { killQuietly, spawnGateway, type GatewayProcess } from './process.js';
import { matchCidr, parseCidr } from '../../gateway/config/cidr.js';
import { loadConfig } from '../../gateway/config/load.js';
import { ConfigError } from '../../core/errors.js';
import type { CidrRange } from '../../gateway/config/feature-types.js';

const auth = `Bearer ${hsToken(goodClaims())}`;
const client = testClient();
const stands: StandIn[] = [];
let proc: GatewayProcess | undefined;
after(async () => { killQuietly(proc); await client.agent.close(); await Promise.all(stands.map((s) => s.close())); });

/** An upstream that fails (500) for requests whose x-region (or client address) names a broken region. */
async function regionalUpstream(broken: (h: Record<string, string | string[] | undefined>) => boolean): Promise<StandIn> {
  const s = await startStandIn('user', (req, res) => {
    res.writeHead(broken(req.headers) ? 500 : 200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  stands.push(s);
  return s;
}

test('CIDR parsing and longest-prefix match, IPv4, IPv6 and IPv4-mapped', () => {
  const ranges = (['10.0.0.0/8:wide', '10.1.0.0/16:narrow', 'fd00::/8:v6', '127.0.0.2/32:lo2'] as const)
    .map((s) => parseCidr(s.split(':').slice(0, -1).join(':') || s.split(':')[0]!, s.split(':').pop()!) as CidrRange)
    .sort((a, b) => b.prefix - a.prefix);
  assert.equal(matchCidr(ranges, '10.1.2.3'), 'narrow');
  assert.equal(matchCidr(ranges, '10.2.2.3'), 'wide');
  assert.equal(matchCidr(ranges, '::ffff:10.2.2.3'), 'wide');
  assert.equal(matchCidr(ranges, 'fd12::1'), 'v6');
  assert.equal(matchCidr(ranges, '127.0.0.2'), 'lo2');
  assert.equal(matchCidr(ranges, '127.0.0.3'), null);
  assert.equal(parseCidr('10.0.0.0/33', 'x'), 'has a prefix length outside 0..32');
  assert.throws(() => loadConfig({ env: {}, overrides: { regions: { cidrs: { eu: ['10.0.0.0/40'] }, header: 'x y' } } }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.details, [
      'regions.header: "x y" is not an HTTP header name',
      'regions.cidrs.eu[0]: "10.0.0.0/40" has a prefix length outside 0..32',
    ]);
    return true;
  });
});

test('header regions: an open breaker for one region leaves the others served', async () => {
  const up = await regionalUpstream((h) => h['x-client-region'] === 'eu');
  const gw = await startTestGateway({ upstreams: upstreamsFor({ user: up.origin }), breaker: { failures: 3, cooldown: '60s' }, regions: { header: 'x-client-region' } });
  try {
    const call = async (region: string): Promise<number> => (await client.send(`${gw.url}/api/user/1`, { headers: { authorization: auth, 'x-client-region': region } })).status;
    for (let i = 0; i < 3; i++) assert.equal(await call('eu'), 500);
    const seen = up.seen.length;
    assert.equal(await call('eu'), 503, 'eu breaker open');
    assert.equal(up.seen.length, seen, 'open region never reaches the upstream');
    for (let i = 0; i < 5; i++) assert.equal(await call('us'), 200, 'us still served');
    assert.equal(await call('ap'), 200);
    const metrics = (await client.send(`${gw.url}/metrics`)).text;
    assert.match(metrics, /gateway_region_breaker_state\{upstream="user",region="eu"\} 1/);
    assert.match(metrics, /gateway_region_breaker_state\{upstream="user",region="us"\} 0/);
  } finally { await gw.close(); }
});

test('source-address regions (CIDR) and the maxRegions bound on header-named regions', async () => {
  const up = await regionalUpstream((h) => String(h['x-forwarded-for']).endsWith('127.0.0.2'));
  const gw = await startTestGateway({
    upstreams: upstreamsFor({ user: up.origin }), breaker: { failures: 2, cooldown: '60s' },
    regions: { header: 'x-client-region', cidrs: { west: ['127.0.0.2/32'], east: '127.0.0.3/32' }, maxRegions: 4 },
  });
  // node:http honours localAddress per request (a fresh connection each time: agent false).
  const west = '127.0.0.2';
  const east = '127.0.0.3';
  try {
    const call = (localAddress: string): Promise<number> => new Promise((resolve, reject) => {
      const u = new URL(`${gw.url}/api/user/1`);
      httpGet({ host: u.hostname, port: u.port, path: u.pathname, localAddress, agent: false, headers: { authorization: auth } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)); }).on('error', reject);
    });
    assert.equal(await call(west), 500);
    assert.equal(await call(west), 500);
    assert.equal(await call(west), 503);
    assert.equal(await call(east), 200);
    // Header-named regions beyond maxRegions share the fallback's breaker: no unbounded growth.
    for (let i = 0; i < 20; i++) await client.send(`${gw.url}/api/user/1`, { headers: { authorization: auth, 'x-client-region': `r${i}` } });
    const series = ((await client.send(`${gw.url}/metrics`)).text.match(/^gateway_region_breaker_state\{/gm) ?? []).length;
    assert.ok(series <= 5, `${series} region breakers (max 4 + fallback)`);
  } finally { await gw.close(); }
});

test('cluster: a region breaker opened through one worker is open in every worker; other regions are served by both', async () => {
  const up = await regionalUpstream((h) => h['x-client-region'] === 'eu');
  const dir = mkdtempSync(join(tmpdir(), 'gwb-region-'));
  const file = join(dir, 'gateway.yaml');
  writeFileSync(file, [
    'cluster: { scheduling: rr }',
    `upstreams: { user: { instances: "${up.origin}" } }`,
    'breaker: { failures: 3, cooldown: 60s }',
    'regions: { header: x-client-region }',
    'routes:',
    '  - { method: GET, path: /healthz, type: health }',
    '  - { method: GET, path: /api/user/:uid, type: proxy, upstream: user }',
  ].join('\n'));
  proc = await spawnGateway({ GW_WORKERS: '2' }, ['--config', file]);
  // pipelining 0: a fresh connection per request, which rr alternates between the workers.
  const agent = new Agent({ pipelining: 0 });
  try {
    const call = async (region: string): Promise<{ status: number }> => {
      const r = await request(`${proc!.url}/api/user/1`, { dispatcher: agent, headers: { authorization: auth, 'x-client-region': region } });
      await r.body.dump();
      return { status: r.statusCode };
    };
    const eu: number[] = [];
    for (let i = 0; i < 8; i++) eu.push((await call('eu')).status);
    assert.deepEqual(eu, [500, 500, 500, 503, 503, 503, 503, 503]);
    const us: number[] = [];
    for (let i = 0; i < 6; i++) us.push((await call('us')).status);
    assert.deepEqual(us, [200, 200, 200, 200, 200, 200]);
  } finally {
    await agent.close();
  }
  proc.child.kill('SIGTERM');
  assert.equal(await proc.exited, 0);
});
