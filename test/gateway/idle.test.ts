import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import type { GatewayHandle } from '../../gateway/server.js';
import { sleep, startTestGateway, testClient } from './helpers.js';

let gw: GatewayHandle;
const client = testClient(1);
before(async () => { gw = await startTestGateway({}); });
after(async () => { await gw.close(); await client.agent.close(); });

/** Send one keep-alive request on `sock` and wait for its complete (small, fixed-length) response. */
async function roundTrip(sock: Socket): Promise<string> {
  let buf = '';
  const done = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1');
      const head = buf.indexOf('\r\n\r\n');
      const len = Number(/content-length: (\d+)/i.exec(buf)?.[1]);
      if (head >= 0 && buf.length >= head + 4 + len) { sock.off('data', onData); resolve(buf); }
    };
    sock.on('data', onData);
    sock.once('close', () => reject(new Error('connection closed by the gateway')));
  });
  sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  return done;
}

test('idle keep-alive connections outlive Node\'s 5 s default (benchmark connections stay open)', async () => {
  const socks: Socket[] = [];
  try {
    for (let i = 0; i < 200; i++) {
      const s = connect(gw.port, '127.0.0.1');
      s.on('error', () => {});
      socks.push(s);
    }
    await Promise.all(socks.map((s) => once(s, 'connect')));
    for (const r of await Promise.all(socks.map(roundTrip))) assert.match(r, /^HTTP\/1\.1 200 /);
    await sleep(6000);
    const again = await Promise.all(socks.map(roundTrip));
    for (const r of again) {
      assert.match(r, /^HTTP\/1\.1 200 /);
      assert.match(r, /keep-alive: timeout=120/i);
    }
    const metrics = (await client.send(`${gw.url}/metrics`)).text;
    assert.match(metrics, /^gateway_downstream_cx_total 201$/m, '200 idle connections reused + 1 for this scrape');
    assert.match(metrics, /^gateway_downstream_rq_total 401$/m);
  } finally {
    for (const s of socks) s.destroy();
  }
});
