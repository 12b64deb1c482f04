import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseParser } from '../../loadgen/response-parser.js';

function parseAll(raw: string, splitEvery?: number): { got: [number, boolean][]; ok: boolean; inMessage: boolean; parser: ResponseParser } {
  const got: [number, boolean][] = [];
  const p = new ResponseParser((s, k) => got.push([s, k]));
  const buf = Buffer.from(raw, 'latin1');
  let ok = true;
  if (splitEvery === undefined) ok = p.execute(buf);
  else for (let i = 0; i < buf.length && ok; i += splitEvery) ok = p.execute(buf.subarray(i, i + splitEvery));
  return { got, ok, inMessage: p.inMessage, parser: p };
}

const CASES: { name: string; raw: string; want: [number, boolean][] }[] = [
  { name: 'content-length', raw: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello', want: [[200, true]] },
  { name: 'zero length', raw: 'HTTP/1.1 204 No Content\r\n\r\n', want: [[204, true]] },
  { name: 'two in a row', raw: 'HTTP/1.1 401 Unauthorized\r\ncontent-length: 2\r\n\r\nnoHTTP/1.1 503 x\r\ncontent-length: 0\r\n\r\n', want: [[401, true], [503, true]] },
  { name: 'chunked with extension and trailer', raw: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\na\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n', want: [[200, true]] },
  { name: 'connection close', raw: 'HTTP/1.1 500 Oops\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbad', want: [[500, false]] },
  { name: 'HTTP/1.0 defaults to close', raw: 'HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', want: [[200, false]] },
  { name: 'HTTP/1.0 keep-alive', raw: 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n', want: [[200, true]] },
  { name: 'names in any case, values trimmed of spaces and tabs', raw: 'HTTP/1.1 200 OK\r\nCONTENT-LENGTH:\t 2 \r\nCoNnEcTiOn: Close\r\n\r\nok', want: [[200, false]] },
  { name: 'a name that only looks alike is another header', raw: 'HTTP/1.1 200 OK\r\ncontent\rlength: 9\r\ncontent-length : 9\r\nContent-Length: 1\r\n\r\nx', want: [[200, true]] },
  { name: 'the same length twice is fine', raw: 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx', want: [[200, true]] },
  { name: 'the last connection header wins', raw: 'HTTP/1.1 200 OK\r\nConnection: close\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n', want: [[200, true]] },
  { name: '100-continue then the answer', raw: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n', want: [[201, true]] },
];

test('response parser: table of framings, whole and split at every byte', () => {
  for (const c of CASES) {
    for (const split of [undefined, 1, 2, 3, 7]) {
      const r = parseAll(c.raw, split);
      assert.equal(r.ok, true, `${c.name} split=${split}`);
      assert.deepEqual(r.got, c.want, `${c.name} split=${split}`);
      assert.equal(r.inMessage, false, `${c.name} split=${split}: nothing left half-parsed`);
    }
  }
});

test('response parser: a body delimited by the close completes on end()', () => {
  const r = parseAll('HTTP/1.1 200 OK\r\n\r\nstreamed until close');
  assert.deepEqual(r.got, []);
  assert.equal(r.parser.end(), false);
  assert.deepEqual(r.got, [[200, false]]);
});

test('response parser: a response cut short is reported by end()', () => {
  const r = parseAll('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
  assert.deepEqual(r.got, []);
  assert.equal(r.parser.end(), true);
});

test('response parser: HEAD responses have no body despite content-length', () => {
  const got: number[] = [];
  const p = new ResponseParser((s) => got.push(s));
  p.noBody = true;
  assert.equal(p.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n')), true);
  assert.deepEqual(got, [200]);
  assert.equal(p.inMessage, false);
});

test('response parser: garbage is a protocol error with a reason', () => {
  const r = parseAll('SSH-2.0-OpenSSH\r\n\r\n');
  assert.equal(r.ok, false);
  assert.match(r.parser.error, /bad status line/);
  const c = parseAll('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n');
  assert.equal(c.ok, false);
  assert.match(c.parser.error, /bad chunk size/);
  for (const [raw, why] of [
    ['HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n', /bad content-length "1e3"/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n', /bad content-length "3"/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n', /bad content-length/],
    ['HTTP/1.1 2x0 OK\r\n\r\n', /bad status line "HTTP\/1.1 2x0 OK"/],
    ['HTTP/2.0 200 OK\r\n\r\n', /bad status line/],
  ] as const) {
    const r = parseAll(raw);
    assert.equal(r.ok, false, raw);
    assert.match(r.parser.error, why, raw);
  }
});

test('response parser: a read buffer longer than the read is parsed only up to its length', () => {
  const got: number[] = [];
  const p = new ResponseParser((s) => got.push(s));
  // What follows the read's bytes in a shared buffer is another socket's data.
  const shared = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 500 stale\r\n\r\n', 'latin1');
  const n = shared.indexOf('HTTP/1.1 500');
  assert.equal(p.execute(shared, n), true);
  assert.deepEqual(got, [200]);
  assert.equal(p.inMessage, false);
  const c = new ResponseParser((s) => got.push(s));
  const chunked = Buffer.from('HTTP/1.1 201 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n\r\nSTALE', 'latin1');
  assert.equal(c.execute(chunked, chunked.length - 7), true);
  assert.deepEqual(got, [200, 201]);
});
