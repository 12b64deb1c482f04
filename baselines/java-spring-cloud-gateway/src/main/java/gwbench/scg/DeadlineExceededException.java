package gwbench.scg;

/**
 * A fan-out part missed GW_FANOUT_DEADLINE_MS: the part is degraded as "timed out" (both parts
 * timed out: 504) and the service's breaker records a failure.
 */
public final class DeadlineExceededException extends RuntimeException {

	public DeadlineExceededException() {
		super("fan-out deadline exceeded", null, false, false);
	}
}
