import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePath, RequestBuilder } from '../../loadgen/request-builder.js';
import type { RequestTemplate } from '../../loadgen/types.js';

const T = (over: Partial<RequestTemplate>): RequestTemplate => ({ name: 'x', weight: 1, method: 'GET', path: '/', headers: {}, bodyBytes: 0, auth: 'valid', ...over });
const tokens = { valid: ['V1', 'V2', 'V3'], expired: ['E1'], badSignature: ['B1', 'B2'] };
const vars = { uid: [10, 12] as [number, number], room_id: [500, 500] as [number, number] };

test('compilePath splits literals and variables', () => {
  assert.deepEqual(compilePath('/api/feed?uid=${uid}&room_id=${room_id}'), [
    { literal: true, value: '/api/feed?uid=' }, { literal: false, value: 'uid' }, { literal: true, value: '&room_id=' }, { literal: false, value: 'room_id' },
  ]);
  assert.deepEqual(compilePath('/x/${seq}/${rand}${other}'), [
    { literal: true, value: '/x/' }, { literal: false, value: 'seq' }, { literal: true, value: '/' }, { literal: false, value: 'rand' }, { literal: true, value: '${other}' },
  ]);
});

test('request head: variables from their ranges, tokens round-robin, seq counts, host and length set', () => {
  const b = new RequestBuilder([T({ path: '/u/${uid}/r/${room_id}/s/${seq}', headers: { 'x-a': '1', Host: 'ignored' } })], tokens, vars, '127.0.0.1:8080', 1);
  const heads = Array.from({ length: 6 }, () => b.next().head);
  heads.forEach((h, i) => {
    const m = /^GET \/u\/(\d+)\/r\/500\/s\/(\d+) HTTP\/1\.1\r\nhost: 127\.0\.0\.1:8080\r\nx-a: 1\r\nauthorization: Bearer (V\d)\r\n\r\n$/.exec(h);
    assert.ok(m, JSON.stringify(h));
    assert.ok(Number(m[1]) >= 10 && Number(m[1]) <= 12);
    assert.equal(Number(m[2]), i);
    assert.equal(m[3], `V${(i % 3) + 1}`);
  });
  const seen = new Set(Array.from({ length: 300 }, () => /\/u\/(\d+)/.exec(b.next().head)![1]));
  assert.deepEqual([...seen].sort(), ['10', '11', '12'], 'the whole inclusive range is drawn');
});

test('auth kinds: expected 401 for expired, bad-signature and none; none sends no authorization', () => {
  const kinds: RequestTemplate['auth'][] = ['valid', 'expired', 'bad-signature', 'none'];
  const want = [['Bearer V1', false], ['Bearer E1', true], ['Bearer B1', true], [null, true]];
  kinds.forEach((auth, i) => {
    const r = new RequestBuilder([T({ auth })], tokens, vars, 'h', 1).next();
    assert.equal(/authorization: (.*)\r\n/.exec(r.head)?.[1] ?? null, want[i]![0]);
    assert.equal(r.expect401, want[i]![1]);
  });
});

test('body: pre-allocated, content-length matches', () => {
  const r = new RequestBuilder([T({ method: 'post', bodyBytes: 128 })], tokens, vars, 'h', 1).next();
  assert.match(r.head, /^POST \/ HTTP\/1\.1\r\n/);
  assert.match(r.head, /\r\ncontent-length: 128\r\n/);
  assert.equal(r.body?.length, 128);
});

test('weighted mix: seeded, reproducible, and close to the weights', () => {
  const mix = [T({ path: '/a', weight: 80 }), T({ path: '/b', weight: 15 }), T({ path: '/c', weight: 5 })];
  const run = (seed: number): string[] => { const b = new RequestBuilder(mix, tokens, vars, 'h', seed); return Array.from({ length: 20000 }, () => b.next().head.slice(4, 6)); };
  const a = run(9);
  assert.deepEqual(a, run(9));
  assert.notDeepEqual(a.slice(0, 100), run(10).slice(0, 100));
  const share = (p: string): number => a.filter((x) => x === p).length / a.length;
  assert.ok(Math.abs(share('/a') - 0.8) < 0.01, `a ${share('/a')}`);
  assert.ok(Math.abs(share('/b') - 0.15) < 0.01, `b ${share('/b')}`);
  assert.ok(Math.abs(share('/c') - 0.05) < 0.01, `c ${share('/c')}`);
});

test('encoding: latin1 for ASCII requests, utf8 when a header value is not ASCII', () => {
  assert.equal(new RequestBuilder([T({})], tokens, vars, 'h', 1).encoding, 'latin1');
  const b = new RequestBuilder([T({ headers: { 'x-name': 'Zoë' } })], tokens, vars, 'h', 1);
  assert.equal(b.encoding, 'utf8');
  assert.match(b.next().head, /x-name: Zoë\r\n/);
});
