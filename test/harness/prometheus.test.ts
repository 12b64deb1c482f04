import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heapFrom, parsePrometheus, parseSelector } from '../../harness/prometheus.js';
import { listImpls } from '../../harness/processes/impls.js';

const JVM_SCRAPE = [
  '# TYPE jvm_memory_used_bytes gauge',
  'jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 100',
  'jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 50',
  'jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 7000',
  'jvm_memory_committed_bytes{area="heap",id="G1 Eden Space"} 400',
  'jvm_memory_committed_bytes{area="heap",id="G1 Old Gen"} 600',
].join('\n');

test('parseSelector: name and label matchers', () => {
  assert.deepEqual(parseSelector('go_memstats_heap_inuse_bytes'), ['go_memstats_heap_inuse_bytes', {}]);
  assert.deepEqual(parseSelector('jvm_memory_used_bytes{area="heap",id="x y"}'), ['jvm_memory_used_bytes', { area: 'heap', id: 'x y' }]);
});

test('a label selector sums only the matching series (the JVM heap pools)', () => {
  const h = heapFrom(parsePrometheus(JVM_SCRAPE), [{ used: 'jvm_memory_used_bytes{area="heap"}', total: 'jvm_memory_committed_bytes{area="heap"}', runtime: 'jvm' }]);
  assert.equal(h.usedBytes, 150);
  assert.equal(h.totalBytes, 1000);
  assert.match(h.source, /^jvm_memory_used_bytes\{area="heap"\}/);
});

test('heap metrics come from each impl.json: the Java baseline reports the heap of all its JVMs', () => {
  const impls = listImpls();
  const java = impls.find((i) => i.name === 'java-spring-cloud-gateway');
  assert.ok(java, 'java baseline listed');
  // Two JVMs behind one port: the scrape reaches one, whose per-JVM jvm_memory_* must not be used.
  const scrape = `${JVM_SCRAPE}\ngateway_heap_used_bytes_all_processes 300\ngateway_heap_committed_bytes_all_processes 2000\ngateway_heap_processes 2`;
  const h = heapFrom(parsePrometheus(scrape), [java.heapMetrics]);
  assert.equal(h.usedBytes, 300);
  assert.equal(h.totalBytes, 2000);
  assert.equal(h.processes, 2);
  assert.equal(h.runtime, 'jvm');
  // Every implementation declares its heap metrics (null pair when the runtime has none).
  for (const i of impls) assert.ok(i.heapMetrics && 'used' in i.heapMetrics && 'total' in i.heapMetrics, `${i.name} declares heapMetrics`);
  const nginx = impls.find((i) => i.name === 'nginx');
  assert.deepEqual(nginx?.heapMetrics, { used: null, total: null });
  assert.equal(heapFrom(parsePrometheus(JVM_SCRAPE), [nginx!.heapMetrics]).usedBytes, null);
});

test('an external target tries every known implementation and says which metrics it looked for', () => {
  const all = listImpls().map((i) => i.heapMetrics);
  assert.equal(heapFrom(parsePrometheus('nodejs_heap_size_used_bytes 5\nnodejs_heap_size_total_bytes 9'), all).usedBytes, 5);
  const none = heapFrom(parsePrometheus('something_else 1'), all);
  assert.equal(none.usedBytes, null);
  assert.match(none.source, /^not available: the target exposes none of .*nodejs_heap_size_used_bytes/);
});
