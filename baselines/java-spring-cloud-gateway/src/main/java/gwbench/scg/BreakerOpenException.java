package gwbench.scg;

/** The service's breaker refused the call: 503 {"error":"circuit_open"} (ContractErrorHandler). */
public final class BreakerOpenException extends RuntimeException {

	public BreakerOpenException(String service) {
		super("circuit breaker of " + service + " is open", null, false, false);
	}
}
