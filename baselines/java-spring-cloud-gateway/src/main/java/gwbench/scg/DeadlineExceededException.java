package gwbench.scg;

/**
 * A fan-out part missed GW_FANOUT_DEADLINE_MS. Deliberately not a TimeoutException: Spring
 * Cloud CircuitBreaker records every TimeoutException a second time after its TimeLimiter,
 * which would count one missed deadline as two breaker failures.
 */
public final class DeadlineExceededException extends RuntimeException {

	public DeadlineExceededException() {
		super("fan-out deadline exceeded", null, false, false);
	}
}
