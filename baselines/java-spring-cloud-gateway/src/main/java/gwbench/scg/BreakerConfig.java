package gwbench.scg;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;

import java.time.Duration;

import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One Resilience4j breaker per upstream service (ids: user-status, barrage, user, interact),
 * configured to contract section 5.
 */
@Configuration(proxyBeanMethods = false)
public class BreakerConfig {

	/**
	 * The TimeLimiter only backstops a stalled response body: "no headers within
	 * GW_UPSTREAM_TIMEOUT_MS" is the HTTP client's response-timeout (exact, gives the 504), and
	 * the limiter wraps the whole exchange including the streamed body, so it must not be shorter.
	 */
	static final Duration TIME_LIMITER_MARGIN = Duration.ofMillis(250);

	@Bean
	Customizer<ReactiveResilience4JCircuitBreakerFactory> contractBreakers(GwSettings settings) {
		int failures = settings.breakerFailuresCount();
		// A COUNT_BASED window of the last N calls that opens at a 100% failure rate once N calls
		// were seen opens exactly when the last N calls all failed, i.e. after N consecutive
		// failures (the window restarts when the breaker closes again).
		CircuitBreakerConfig breaker = CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(failures)
			.minimumNumberOfCalls(failures)
			.failureRateThreshold(100)
			.waitDurationInOpenState(settings.breakerCooldown())
			// Half-open: exactly one probe; its result closes or re-opens the breaker.
			.permittedNumberOfCallsInHalfOpenState(1)
			.maxWaitDurationInHalfOpenState(Duration.ZERO)
			.automaticTransitionFromOpenToHalfOpenEnabled(false)
			.ignoreExceptions(BodyTooLargeException.class)
			.build();
		TimeLimiterConfig limiter = TimeLimiterConfig.custom()
			.timeoutDuration(settings.upstreamTimeout().plus(TIME_LIMITER_MARGIN))
			.build();
		return factory -> factory.configureDefault(id -> new Resilience4JConfigBuilder(id)
			.circuitBreakerConfig(breaker)
			.timeLimiterConfig(limiter)
			.build());
	}
}
