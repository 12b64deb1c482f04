import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heapFrom, parsePrometheus, type HeapMetrics } from '../../harness/prometheus.js';

// The candidates an external target is tried with: every runtime's impl.json heapMetrics.
const ALL: HeapMetrics[] = [
  { used: 'gateway_heap_inuse_bytes_all_processes', total: 'gateway_heap_sys_bytes_all_processes', runtime: 'go', processes: 'gateway_heap_processes' },
  { used: 'nodejs_heap_size_used_bytes', total: 'nodejs_heap_size_total_bytes', runtime: 'node' },
  { used: 'jvm_memory_used_bytes{area="heap"}', total: 'jvm_memory_committed_bytes{area="heap"}', runtime: 'jvm' },
];
import { stageCpu } from '../../harness/stage-result.js';

test('heapFrom: the Go baseline\'s all-process sums win over one worker\'s go_memstats', () => {
  const text = [
    'go_memstats_heap_inuse_bytes 1e6', 'go_memstats_heap_sys_bytes 8e6',
    'gateway_heap_inuse_bytes_all_processes 1e7', 'gateway_heap_sys_bytes_all_processes 8e7', 'gateway_heap_processes 10',
  ].join('\n');
  assert.deepEqual(heapFrom(parsePrometheus(text), ALL), {
    usedBytes: 1e7, totalBytes: 8e7, runtime: 'go', processes: 10,
    source: 'gateway_heap_inuse_bytes_all_processes / gateway_heap_sys_bytes_all_processes',
  });
});

test('heapFrom: single-process runtimes keep their pairs; none is not available with a reason', () => {
  const node = heapFrom(parsePrometheus('nodejs_heap_size_used_bytes 5\nnodejs_heap_size_total_bytes 9'), ALL);
  assert.deepEqual([node.usedBytes, node.totalBytes, node.runtime], [5, 9, 'node']);
  const jvm = heapFrom(parsePrometheus('jvm_memory_used_bytes{area="heap",id="G1 Eden"} 3\njvm_memory_used_bytes{area="heap",id="G1 Old"} 4\njvm_memory_used_bytes{area="nonheap",id="Metaspace"} 100\njvm_memory_committed_bytes{area="heap",id="x"} 10'), ALL);
  assert.deepEqual([jvm.usedBytes, jvm.totalBytes, jvm.runtime], [7, 10, 'jvm']);
  const none = heapFrom(parsePrometheus('process_resident_memory_bytes 1'), ALL);
  assert.equal(none.usedBytes, null);
  assert.match(none.source, /^not available/);
});

test('stageCpu: (utime + stime) delta over the window / requests, in microseconds', () => {
  assert.deepEqual(stageCpu({ cpuSeconds: 10, processes: 3 }, { cpuSeconds: 10.5, processes: 3 }, 5000), { targetSeconds: 0.5, perRequestUs: 100, processes: 3, reason: null });
});

test('stageCpu: null with a reason when it cannot be measured, never 0', () => {
  const noPid = stageCpu({ cpuSeconds: null, processes: null }, { cpuSeconds: null, processes: null }, 100);
  assert.equal(noPid.perRequestUs, null);
  assert.match(noPid.reason!, /no target pid/);
  const lost = stageCpu({ cpuSeconds: 5, processes: 2 }, { cpuSeconds: 4, processes: 1 }, 100);
  assert.equal(lost.targetSeconds, null);
  assert.match(lost.reason!, /process exited/);
  const idle = stageCpu({ cpuSeconds: 5, processes: 1 }, { cpuSeconds: 5.1, processes: 1 }, 0);
  assert.equal(idle.perRequestUs, null);
  assert.match(idle.reason!, /no requests/);
});
