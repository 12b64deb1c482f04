package gwbench.scg;

import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;

/**
 * `ContractCircuitBreaker` in application.yml: the proxied route's breaker (contract section 5),
 * on the shared breakers (SharedBreaker) instead of SCG's Resilience4j filter, whose state is
 * per JVM. Open: 503 circuit_open without an upstream call. Closed or probing: the call goes
 * upstream and its outcome is recorded once: a listed 5xx status (passed through to the client
 * unchanged), a transport error or a timeout is a failure; an oversize request body or a client
 * that went away says nothing about the upstream.
 */
@Component
public class ContractCircuitBreakerGatewayFilterFactory
		extends AbstractGatewayFilterFactory<ContractCircuitBreakerGatewayFilterFactory.Config> {

	private final Breakers breakers;

	public ContractCircuitBreakerGatewayFilterFactory(Breakers breakers) {
		super(Config.class);
		this.breakers = breakers;
	}

	@Override
	public GatewayFilter apply(Config config) {
		SharedBreaker breaker = breakers.of(config.getName());
		List<Integer> failing = List.copyOf(config.getStatusCodes());
		return (exchange, chain) -> {
			SharedBreaker.Ticket ticket = breaker.allow();
			if (ticket == null) {
				return Mono.error(new BreakerOpenException(config.getName()));
			}
			SharedBreaker.Ticket once = ticket.once();
			return chain.filter(exchange)
				.doOnSuccess(v -> {
					HttpStatusCode status = exchange.getResponse().getStatusCode();
					once.done(status != null && failing.contains(status.value()) ? SharedBreaker.Outcome.FAILURE
							: SharedBreaker.Outcome.SUCCESS);
				})
				.doOnError(e -> once.done(e instanceof BodyTooLargeException ? SharedBreaker.Outcome.EXCLUDED
						: SharedBreaker.Outcome.FAILURE))
				.doOnCancel(() -> once.done(SharedBreaker.Outcome.EXCLUDED));
		};
	}

	/** `args` of the filter in application.yml. */
	public static class Config {

		private String name;

		private List<Integer> statusCodes = new ArrayList<>();

		public String getName() { return name; }
		public void setName(String name) { this.name = name; }
		public List<Integer> getStatusCodes() { return statusCodes; }
		public void setStatusCodes(List<Integer> statusCodes) { this.statusCodes = statusCodes; }
	}
}
