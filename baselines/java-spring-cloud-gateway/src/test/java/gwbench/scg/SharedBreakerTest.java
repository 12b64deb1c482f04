package gwbench.scg;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Two SharedBreaker objects on the same memory behave as one breaker (as two JVMs do). */
class SharedBreakerTest {

	private static final long COOLDOWN_NS = 50_000_000L;

	@Test
	void failuresFromTwoHoldersOpenOneBreakerAndAProbeClosesIt() throws InterruptedException {
		SharedMemory mem = SharedMemory.privateMemory();
		SharedBreaker a = new SharedBreaker(mem, 2, 4, COOLDOWN_NS, 1_000_000_000L);
		SharedBreaker b = new SharedBreaker(mem, 2, 4, COOLDOWN_NS, 1_000_000_000L);
		for (int i = 0; i < 3; i++) {
			(i % 2 == 0 ? a : b).allow().done(SharedBreaker.Outcome.FAILURE);
		}
		assertFalse(a.isOpen(), "3 of 4 failures: still closed");
		b.allow().done(SharedBreaker.Outcome.FAILURE);
		assertTrue(a.isOpen(), "the 4th failure, recorded by the other holder, opens it for both");
		assertNull(a.allow());
		assertNull(b.allow());
		Thread.sleep(COOLDOWN_NS / 1_000_000 + 20);
		SharedBreaker.Ticket probe = a.allow();
		assertNotNull(probe, "after the cool-down one call probes");
		assertNull(b.allow(), "only one probe at a time");
		probe.done(SharedBreaker.Outcome.SUCCESS);
		assertFalse(b.isOpen());
		assertNotNull(b.allow());
	}

	@Test
	void aSuccessResetsTheCountAndExcludedCallsCountForNothing() {
		SharedMemory mem = SharedMemory.privateMemory();
		SharedBreaker br = new SharedBreaker(mem, 0, 2, COOLDOWN_NS, 1_000_000_000L);
		br.allow().done(SharedBreaker.Outcome.FAILURE);
		br.allow().done(SharedBreaker.Outcome.SUCCESS);
		br.allow().done(SharedBreaker.Outcome.FAILURE);
		br.allow().done(SharedBreaker.Outcome.EXCLUDED);
		assertFalse(br.isOpen(), "failures were not consecutive");
		br.allow().done(SharedBreaker.Outcome.FAILURE);
		assertTrue(br.isOpen());
		SharedBreaker other = new SharedBreaker(mem, 1, 2, COOLDOWN_NS, 1_000_000_000L);
		assertFalse(other.isOpen(), "slots are independent");
	}
}
