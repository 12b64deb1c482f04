import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ResponseParser } from '../../loadgen/response-parser.js';
import { fuzz } from './budget.js';

/**
 * The generator's HTTP/1.1 response parser. Valid responses (content-length, chunked with
 * extensions and trailers, close-delimited, 1xx, 204/304) give exactly the statuses and
 * keep-alive flags they encode; any byte string gives the same outcome whole or split at
 * every byte boundary, and never throws.
 */

interface Outcome { responses: [number, boolean][]; ok: boolean; cut: boolean }

function feed(chunks: Buffer[]): Outcome {
  const responses: [number, boolean][] = [];
  const p = new ResponseParser((s, k) => responses.push([s, k]));
  let ok = true;
  for (const c of chunks) { if (!p.execute(c)) { ok = false; break; } }
  const cut = ok ? p.end() : false;
  return { responses, ok, cut };
}

const splitAt = (b: Buffer, cuts: number[]): Buffer[] => {
  const at = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of at) { out.push(b.subarray(prev, c)); prev = c; }
  out.push(b.subarray(prev));
  return out;
};

const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,12}$/);
const headerValue = fc.stringMatching(/^[ -~]{0,30}$/).map((s) => s.trim());
const extraHeaders = fc.array(fc.tuple(token, headerValue).filter(([n]) => !/^(content-length|transfer-encoding|connection)$/i.test(n)), { maxLength: 4 });
const body = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));

interface Model { bytes: Buffer; status: number; keepAlive: boolean; closes: boolean }

/** One valid response and what it must parse to. */
const response: fc.Arbitrary<Model> = fc.record({
  version: fc.constantFrom('1.1', '1.0'),
  status: fc.oneof(fc.integer({ min: 200, max: 599 }), fc.constantFrom(204, 304)),
  reason: fc.constantFrom('OK', '', 'Whatever Reason'),
  framing: fc.constantFrom('length', 'chunked', 'close'),
  conn: fc.constantFrom(undefined, 'close', 'keep-alive', 'Keep-Alive', 'CLOSE'),
  interim: fc.boolean(),
  headers: extraHeaders,
  body,
  chunks: fc.array(fc.nat(40), { maxLength: 6 }),
  ext: fc.boolean(),
  trailers: fc.array(fc.tuple(token, headerValue), { maxLength: 2 }),
  hexCase: fc.boolean(),
}).map((r) => {
  const noBody = r.status === 204 || r.status === 304;
  const framing = noBody ? 'length' : r.framing;
  const lines = [`HTTP/${r.version} ${r.status} ${r.reason}`.trimEnd()];
  for (const [n, v] of r.headers) lines.push(`${n}: ${v}`);
  if (r.conn) lines.push(`Connection: ${r.conn}`);
  let payload: Buffer = noBody ? Buffer.alloc(0) : r.body;
  if (framing === 'length') lines.push(`Content-Length: ${payload.length}`);
  if (framing === 'chunked') {
    lines.push('Transfer-Encoding: chunked');
    const parts: Buffer[] = [];
    let off = 0;
    for (const c of [...r.chunks, payload.length]) {
      const n = Math.min(c, payload.length - off);
      if (n <= 0) continue;
      const size = r.hexCase ? n.toString(16).toUpperCase() : n.toString(16);
      parts.push(Buffer.from(`${size}${r.ext ? ';name=val' : ''}\r\n`), payload.subarray(off, off + n), Buffer.from('\r\n'));
      off += n;
    }
    parts.push(Buffer.from(`0\r\n${r.trailers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`));
    payload = Buffer.concat(parts);
  }
  const head = `${r.interim ? 'HTTP/1.1 100 Continue\r\n\r\n' : ''}${lines.join('\r\n')}\r\n\r\n`;
  const c = r.conn?.toLowerCase();
  const keepAlive = framing === 'close' ? false : c === 'close' ? false : c === 'keep-alive' ? true : r.version === '1.1';
  return { bytes: Buffer.concat([Buffer.from(head, 'latin1'), payload]), status: r.status, keepAlive, closes: framing === 'close' };
});

/** Keep-alive sequences: a close-delimited response can only be last. */
const sequence = fc.array(response, { minLength: 1, maxLength: 4 }).map((rs) => {
  const i = rs.findIndex((r) => r.closes || !r.keepAlive);
  return i < 0 ? rs : rs.slice(0, i + 1);
});

test('fuzz response parser: valid responses parse to their status and keep-alive, split anywhere', () => {
  fuzz('response-valid', 1500, fc.property(sequence, fc.array(fc.nat(), { maxLength: 8 }), (rs, cuts) => {
    const bytes = Buffer.concat(rs.map((r) => r.bytes));
    const expected = rs.map((r) => [r.status, r.keepAlive] as [number, boolean]);
    for (const chunks of [[bytes], splitAt(bytes, cuts)]) {
      const o = feed(chunks);
      assert.equal(o.ok, true);
      assert.deepEqual(o.responses, expected);
      assert.equal(o.cut, false);
    }
  }));
});

test('fuzz response parser: one valid response split at every byte boundary parses identically', () => {
  fuzz('response-every-split', 150, fc.property(response, (r) => {
    const whole = feed([r.bytes]);
    for (let i = 0; i <= r.bytes.length; i++) {
      assert.deepEqual(feed([r.bytes.subarray(0, i), r.bytes.subarray(i)]), whole, `split at ${i}`);
    }
    const bytewise = feed([...r.bytes].map((b) => Buffer.from([b])));
    assert.deepEqual(bytewise, whole, 'one byte at a time');
  }));
});

/** Invalid and hostile input: mutations of valid responses and raw bytes. */
const mutated = fc.oneof(
  fc.tuple(response, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 4 }))
    .map(([r, edits]) => {
      const b = [...r.bytes];
      for (const [at, v, kind] of edits) {
        const i = b.length ? at % b.length : 0;
        if (kind === 'set') b[i] = v; else if (kind === 'insert') b.splice(i, 0, v); else b.splice(i, 1);
      }
      return Buffer.from(b);
    }),
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  fc.constantFrom(
    'HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n', `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}\r\n\r\n`,
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'0'.repeat(5000)}1\r\nx\r\n0\r\n\r\n`, 'HTTP/2 200\r\n\r\n', 'HTTP/1.1 099 X\r\n\r\n', 'HTTP/1.1 20 OK\r\n\r\n',
  ).map((s) => Buffer.from(s, 'latin1')),
);

test('fuzz response parser: invalid input never throws and gives the same outcome however it is split', () => {
  fuzz('response-invalid', 1500, fc.property(mutated, fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
    const whole = feed([bytes]);
    assert.deepEqual(feed(splitAt(bytes, cuts)), whole);
    for (const r of whole.responses) assert.ok(r[0] >= 200 && r[0] <= 999, `status ${r[0]}`);
  }));
});

test('regressions found by fuzzing: framing the parser must refuse, whole or split', () => {
  const refused = [
    'HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello', `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}\r\n\r\n`,
    `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${'0'.repeat(5000)}1\r\nx\r\n0\r\n\r\n`,
  ];
  for (const s of refused) {
    const b = Buffer.from(s, 'latin1');
    assert.equal(feed([b]).ok, false, s.slice(0, 60));
    assert.equal(feed(splitAt(b, [17, 40, 4100])).ok, false, `split: ${s.slice(0, 60)}`);
  }
  assert.deepEqual(feed([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok')]).responses, [[200, true]], 'repeated equal lengths are allowed (RFC 9110 8.6)');
});
