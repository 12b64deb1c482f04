import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionCap } from '../../gateway/server.js';

test('connection cap stays below the open-files limit', () => {
  const limits = (n: string) => `Limit                     Soft Limit           Hard Limit           Units\nMax cpu time              unlimited            unlimited            seconds\nMax open files            ${n}                ${n}                files\n`;
  assert.equal(connectionCap(limits('20000')), 18500);
  assert.equal(connectionCap(limits('1024')), 100);
  assert.equal(connectionCap('no such line'), null);
  assert.ok((connectionCap() ?? 0) > 0, 'reads this process\'s own limit');
});
