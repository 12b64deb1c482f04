package gwbench.scg;

/**
 * One upstream service's circuit breaker (contract section 5) whose state lives in
 * SharedMemory, so with several JVMs on one port there is still one breaker per service, as
 * the contract says, not one per JVM: the conformance check sends its consecutive failures on
 * fresh connections that SO_REUSEPORT spreads over the JVMs. Resilience4j keeps its state in
 * the heap of one JVM, hence this small breaker instead. Every transition is one
 * compare-and-swap on the state word:
 *
 *   state == 0   closed
 *   state  > 0   open until `state` (System.nanoTime, CLOCK_MONOTONIC: one clock for every
 *                process on the machine)
 *   state  < 0   half-open: one probe in flight, claimed until -state; a probe whose JVM died
 *                is re-claimed after that deadline
 */
final class SharedBreaker {

	/** What one upstream call says about the upstream. */
	enum Outcome {
		SUCCESS,
		/** Transport error, timeout, missed deadline or 5xx. */
		FAILURE,
		/** The client went away or broke a limit: says nothing about the upstream. */
		EXCLUDED
	}

	/** Permission for one call; `done` must be called once with its outcome (later calls are ignored). */
	interface Ticket {
		void done(Outcome outcome);

		/** This ticket, recording only the first outcome (a Reactor chain may signal more than one). */
		default Ticket once() {
			java.util.concurrent.atomic.AtomicBoolean recorded = new java.util.concurrent.atomic.AtomicBoolean();
			return o -> {
				if (recorded.compareAndSet(false, true)) {
					done(o);
				}
			};
		}
	}

	private final SharedMemory mem;

	private final int failures;

	private final int state;

	private final long threshold;

	private final long cooldownNs;

	private final long probeTimeoutNs;

	private final Ticket closed = this::closedDone;

	SharedBreaker(SharedMemory mem, int slot, int threshold, long cooldownNs, long probeTimeoutNs) {
		if (slot < 0 || slot >= SharedMemory.MAX_BREAKERS) {
			throw new IllegalArgumentException("breaker slot " + slot);
		}
		this.mem = mem;
		this.failures = SharedMemory.BREAKER_REGION + slot * SharedMemory.BREAKER_SLOT_BYTES;
		this.state = failures + 8;
		this.threshold = threshold;
		this.cooldownNs = cooldownNs;
		this.probeTimeoutNs = probeTimeoutNs;
	}

	/** A ticket when a call may go upstream now, null when the breaker refuses it. */
	Ticket allow() {
		for (;;) {
			long st = mem.get(state);
			if (st == 0) {
				return closed;
			}
			long now = System.nanoTime();
			if ((st > 0 && now < st) || (st < 0 && now < -st)) {
				return null; // open, or another call is the half-open probe
			}
			long token = -(now + probeTimeoutNs);
			if (mem.compareAndSet(state, st, token)) {
				return new Probe(token);
			}
		}
	}

	/** Closed, nothing in flight: for the end of the warm-up. */
	void reset() {
		mem.set(state, 0);
		mem.set(failures, 0);
	}

	boolean isOpen() {
		long st = mem.get(state);
		long now = System.nanoTime();
		return (st > 0 && now < st) || (st < 0 && now < -st);
	}

	private void closedDone(Outcome o) {
		switch (o) {
			case SUCCESS -> {
				if (mem.get(failures) != 0) { // no shared-cache-line write per request
					mem.set(failures, 0);
				}
			}
			case FAILURE -> {
				if (mem.get(state) != 0) {
					return; // already open: a late outcome of a call started while closed
				}
				if (mem.getAndAdd(failures, 1) + 1 >= threshold
						&& mem.compareAndSet(state, 0, System.nanoTime() + cooldownNs)) {
					mem.set(failures, 0);
				}
			}
			case EXCLUDED -> {
			}
		}
	}

	/** The half-open probe's ticket: only the call holding `token` may close or re-open. */
	private final class Probe implements Ticket {

		private final long token;

		private boolean done;

		Probe(long token) {
			this.token = token;
		}

		@Override
		public synchronized void done(Outcome o) {
			if (done) {
				return;
			}
			done = true;
			switch (o) {
				case SUCCESS -> {
					if (mem.compareAndSet(state, token, 0)) {
						mem.set(failures, 0);
					}
				}
				case FAILURE -> mem.compareAndSet(state, token, System.nanoTime() + cooldownNs);
				// The probe proved nothing: re-open with the cool-down over, so the next call probes.
				case EXCLUDED -> mem.compareAndSet(state, token, System.nanoTime());
			}
		}
	}
}
