package gwbench.scg;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.gateway.filter.factory.SpringCloudCircuitBreakerResilience4JFilterFactory;
import org.springframework.cloud.gateway.filter.factory.SpringCloudCircuitBreakerFilterFactory.CircuitBreakerStatusCodeException;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.DispatcherHandler;

/**
 * SCG's Resilience4j CircuitBreaker filter, except for one thing. With `statusCodes` the stock
 * filter counts an upstream 5xx as a breaker failure (what the contract wants) but then answers
 * the client with an error unless `resumeWithoutError` is set, and that flag swallows every
 * other error too (a response timeout or a refused connection became an empty 200). Here the
 * 5xx, already streamed to the client when the breaker hears of it, is passed through, and
 * all other errors keep their mapping (timeout 504, breaker open 503, others to
 * ContractErrorHandler). Used as `ContractCircuitBreaker` in application.yml.
 */
@Component
public class PassThroughCircuitBreakerGatewayFilterFactory extends SpringCloudCircuitBreakerResilience4JFilterFactory {

	public PassThroughCircuitBreakerGatewayFilterFactory(ReactiveResilience4JCircuitBreakerFactory factory,
			ObjectProvider<DispatcherHandler> dispatcherHandler) {
		super(factory, dispatcherHandler);
	}

	@Override
	public String name() {
		return "ContractCircuitBreaker";
	}

	@Override
	protected Mono<Void> handleErrorWithoutFallback(Throwable t, boolean resumeWithoutError) {
		if (t instanceof CircuitBreakerStatusCodeException) {
			return Mono.empty();
		}
		return super.handleErrorWithoutFallback(t, false);
	}
}
