package gwbench.scg;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Heap of every JVM on the port, summed. With several JVMs /metrics is answered by whichever
 * JVM the scrape connection lands on, and jvm_memory_* describe that JVM only: dividing one
 * JVM's heap by the RSS of the whole process tree would understate residency by the JVM count.
 * So each JVM writes its heap (MemoryMXBean: the sum over the heap pools, as
 * jvm_memory_*_bytes{area="heap"}) into its SharedMemory slot once a second, and every JVM
 * exports the sums over the slots updated in the last 3 s:
 * gateway_heap_used_bytes_all_processes, gateway_heap_committed_bytes_all_processes and
 * gateway_heap_processes (the JVMs in the sums). With one JVM the sums are that JVM's heap.
 */
@Component
public class HeapShare implements DisposableBean {

	static final long EVERY_MS = 1000;

	static final long STALE_NS = 3 * EVERY_MS * 1_000_000L;

	private final SharedMemory shared;

	private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "gw-heap-share");
		t.setDaemon(true);
		return t;
	});

	public HeapShare(SharedMemory shared, MeterRegistry registry) {
		this.shared = shared;
		publish();
		timer.scheduleAtFixedRate(this::publish, EVERY_MS, EVERY_MS, TimeUnit.MILLISECONDS);
		Gauge.builder("gateway.heap.used.bytes.all.processes", this, h -> h.sum(0))
			.description("JVM heap used, summed over every gateway JVM (each publishes its own once a second)")
			.register(registry);
		Gauge.builder("gateway.heap.committed.bytes.all.processes", this, h -> h.sum(8))
			.description("JVM heap committed, summed over every gateway JVM")
			.register(registry);
		Gauge.builder("gateway.heap.processes", this, h -> h.sum(-1))
			.description("Gateway JVMs whose heap is in the two sums above")
			.register(registry);
	}

	private static int slot(int worker) {
		return SharedMemory.HEAP_REGION + worker * SharedMemory.HEAP_SLOT_BYTES;
	}

	private void publish() {
		MemoryUsage heap = memory.getHeapMemoryUsage();
		int at = slot(shared.worker);
		shared.set(at, heap.getUsed());
		shared.set(at + 8, heap.getCommitted());
		shared.set(at + 16, System.nanoTime());
	}

	/** Sum of the word at `field` over live slots; field -1 counts the live slots. */
	double sum(int field) {
		long now = System.nanoTime();
		long total = 0;
		for (int i = 0; i < shared.processes; i++) {
			int at = slot(i);
			long stamp = shared.get(at + 16);
			if (stamp == 0 || now - stamp > STALE_NS) {
				continue;
			}
			total += field < 0 ? 1 : shared.get(at + field);
		}
		return total;
	}

	@Override
	public void destroy() {
		timer.shutdownNow();
	}
}
