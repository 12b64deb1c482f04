import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestBuilder } from '../../loadgen/request-builder.js';
import { classifyStatus } from '../../loadgen/status.js';
import { statusAccepted } from '../../loadgen/templates.js';
import type { RequestTemplate } from '../../loadgen/types.js';

const T = (over: Partial<RequestTemplate>): RequestTemplate => ({ name: 'x', weight: 1, method: 'GET', path: '/', headers: {}, bodyBytes: 0, auth: 'valid', ...over });
const vars = { uid: [10, 99] as [number, number], room_id: [1, 1] as [number, number] };
const tokens = { valid: ['V1'], expired: ['E1'], badSignature: ['B1'] };

test('a fixed auth header replaces the bearer token for auth: valid only', () => {
  const pool = { ...tokens, header: { name: 'x-api-key', value: 'k-123' } };
  const valid = new RequestBuilder([T({})], pool, vars, 'h', 1).next();
  assert.match(valid.head, /\r\nx-api-key: k-123\r\n/);
  assert.doesNotMatch(valid.head, /authorization/i);
  const expired = new RequestBuilder([T({ auth: 'expired' })], pool, vars, 'h', 1).next();
  assert.match(expired.head, /authorization: Bearer E1/);
});

test('body template: rendered per request, content-length matches, same ${uid} as in path and headers', () => {
  const b = new RequestBuilder([T({ method: 'POST', path: '/p/${uid}', headers: { 'x-u': 'u${uid}', 'x-static': 's' }, body: '{"uid":${uid},"n":"é${seq}"}' })], tokens, vars, 'h', 7);
  for (let i = 0; i < 20; i++) {
    const r = b.next();
    const uid = /^POST \/p\/(\d+) /.exec(r.head)![1]!;
    assert.match(r.head, new RegExp(`\\r\\nx-u: u${uid}\\r\\n`));
    assert.match(r.head, /\r\nx-static: s\r\n/);
    const body = r.body!.toString('utf8');
    assert.deepEqual(JSON.parse(body), { uid: Number(uid), n: `é${i}` });
    assert.match(r.head, new RegExp(`content-length: ${r.body!.length}\\r\\n`));
    assert.equal((r.head.match(/content-length/g) ?? []).length, 1);
  }
});

test('expect.status: listed statuses and classes succeed, anything else is unexpected_status', () => {
  assert.equal(statusAccepted(204, [200, 204]), true);
  assert.equal(statusAccepted(201, ['2xx']), true);
  assert.equal(statusAccepted(301, ['2xx', 404]), false);
  assert.equal(classifyStatus(200, true, [200]), null, 'expect wins over the contract rule');
  assert.equal(classifyStatus(401, false, [401]), null);
  assert.equal(classifyStatus(200, false, [204]), 'unexpected_status');
  // Without expect the contract rule stays: a request with no token must get 401.
  assert.equal(classifyStatus(200, true), 'unexpected_2xx');
});
