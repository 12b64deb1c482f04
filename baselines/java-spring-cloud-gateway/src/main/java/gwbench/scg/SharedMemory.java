package gwbench.scg;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The memory every JVM of one gateway shares when run.sh starts several (GWB_SCG_PROCESSES > 1)
 * on one port: a file under /dev/shm that run.sh creates, mapped MAP_SHARED by each JVM. It
 * holds what the contract wants to be one thing, not one per process (the breakers), what the
 * harness must see summed (every JVM's heap), and the count of JVMs that finished warming up.
 * A single JVM uses private memory of the same layout, so there is one code path.
 *
 * Layout (native byte order, 8-byte words):
 *   [0, 1024)     breaker slots, 64 bytes each (SharedBreaker)
 *   [1024, 1032)  JVMs ready (warm-up done)
 *   [4096, ...)   heap slots, 24 bytes each (HeapShare)
 */
final class SharedMemory {

	static final String FILE_ENV = "GWB_SCG_SHARED_FILE";

	static final String PROCESSES_ENV = "GWB_SCG_PROCESSES";

	static final String WORKER_ENV = "GWB_SCG_WORKER";

	static final int BREAKER_REGION = 0;

	static final int BREAKER_SLOT_BYTES = 64;

	static final int MAX_BREAKERS = 16;

	static final int READY_OFFSET = 1024;

	static final int HEAP_REGION = 4096;

	static final int HEAP_SLOT_BYTES = 24;

	static final int MAX_PROCESSES = 256;

	static final int BYTES = HEAP_REGION + MAX_PROCESSES * HEAP_SLOT_BYTES;

	/** Atomic long access to a direct or mapped buffer (aligned offsets only). */
	private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

	private final ByteBuffer buffer;

	/** JVMs on the port (1 for a single JVM). */
	final int processes;

	/** This JVM's index among them, 0-based. */
	final int worker;

	private SharedMemory(ByteBuffer buffer, int processes, int worker) {
		this.buffer = buffer;
		this.processes = processes;
		this.worker = worker;
	}

	/** From the environment run.sh sets; private memory when it names no file. */
	static SharedMemory fromEnvironment() {
		String file = System.getenv(FILE_ENV);
		if (file == null || file.isEmpty()) {
			return new SharedMemory(ByteBuffer.allocateDirect(BYTES), 1, 0);
		}
		int processes = intEnv(PROCESSES_ENV, 1, MAX_PROCESSES);
		int worker = intEnv(WORKER_ENV, 0, processes - 1);
		try (FileChannel ch = FileChannel.open(Path.of(file), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			if (ch.size() < BYTES) {
				throw new IllegalStateException(FILE_ENV + "=" + file + " is " + ch.size() + " bytes, expected at least " + BYTES);
			}
			// The mapping outlives the channel; the file is zero-filled by run.sh (truncate).
			return new SharedMemory(ch.map(FileChannel.MapMode.READ_WRITE, 0, BYTES), processes, worker);
		}
		catch (IOException e) {
			throw new IllegalStateException("cannot map " + FILE_ENV + "=" + file + ": " + e.getMessage(), e);
		}
	}

	/** Private memory of the shared layout, for tests and a single JVM. */
	static SharedMemory privateMemory() {
		return new SharedMemory(ByteBuffer.allocateDirect(BYTES), 1, 0);
	}

	private static int intEnv(String name, int min, int max) {
		String v = System.getenv(name);
		try {
			int n = Integer.parseInt(v == null ? "" : v.trim());
			if (n >= min && n <= max) {
				return n;
			}
		}
		catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalStateException(name + "=" + v + ": expected an integer in [" + min + ", " + max + "] (set by run.sh)");
	}

	boolean multiProcess() {
		return processes > 1;
	}

	long get(int offset) {
		return (long) LONGS.getVolatile(buffer, offset);
	}

	void set(int offset, long value) {
		LONGS.setVolatile(buffer, offset, value);
	}

	boolean compareAndSet(int offset, long expected, long value) {
		return LONGS.compareAndSet(buffer, offset, expected, value);
	}

	long getAndAdd(int offset, long delta) {
		return (long) LONGS.getAndAdd(buffer, offset, delta);
	}
}
