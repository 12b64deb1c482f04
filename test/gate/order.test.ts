import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderString, planTrials } from '../../harness/gate/order.js';

test('ABBA plan: pinned order for a seed, reproducible, different for another seed', () => {
  assert.equal(orderString(planTrials({ pairs: 8, seed: 42, gateStage: 1 })), 'BAAB ABBA ABBA ABBA');
  assert.equal(orderString(planTrials({ pairs: 8, seed: 42, gateStage: 1 })), 'BAAB ABBA ABBA ABBA');
  assert.equal(orderString(planTrials({ pairs: 8, seed: 43, gateStage: 1 })), 'ABBA ABBA BAAB BAAB');
});

test('every block is ABBA or BAAB: balanced first position, each pair has one of each variant', () => {
  for (const seed of [1, 2, 3, 42, 1234567]) {
    for (const pairs of [2, 4, 8, 16]) {
      const plan = planTrials({ pairs, seed, gateStage: 1 });
      assert.equal(plan.length, pairs * 2);
      for (const block of orderString(plan).split(' ')) assert.ok(block === 'ABBA' || block === 'BAAB', `${seed}/${pairs}: ${block}`);
      const firsts = plan.filter((t) => t.position === 0);
      assert.equal(firsts.filter((t) => t.variant === 'base').length, pairs / 2, 'base goes first in exactly half the pairs');
      for (let p = 0; p < pairs; p++) {
        const two = plan.filter((t) => t.pair === p);
        assert.deepEqual(two.map((t) => t.variant).sort(), ['base', 'candidate']);
        assert.equal(two[0]!.seed, two[1]!.seed, 'both trials of a pair offer the same load seed');
      }
      assert.deepEqual(plan.map((t) => t.index), [...Array(pairs * 2).keys()]);
    }
  }
});

test('odd pair count ends with a single AB or BA pair; confirmation continues numbering', () => {
  const odd = planTrials({ pairs: 3, seed: 5, gateStage: 1 });
  assert.equal(odd.length, 6);
  assert.match(orderString(odd), /^(ABBA|BAAB) (AB|BA)$/);
  const conf = planTrials({ pairs: 4, seed: 42, gateStage: 2, firstPair: 8, firstIndex: 16 });
  assert.deepEqual([conf[0]!.index, conf[0]!.pair, conf.at(-1)!.index, conf.at(-1)!.pair], [16, 8, 23, 11]);
  assert.ok(conf.every((t) => t.gateStage === 2));
  const seeds = new Set(planTrials({ pairs: 8, seed: 42, gateStage: 1 }).map((t) => t.seed));
  assert.equal(seeds.size, 8, 'each pair has its own load seed');
});
