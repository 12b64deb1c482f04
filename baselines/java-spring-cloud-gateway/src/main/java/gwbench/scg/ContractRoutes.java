package gwbench.scg;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The routes that are handlers, not proxies. WebFlux's RouterFunctionMapping is consulted
 * before SCG's route mapping; /metrics is the actuator's Prometheus endpoint (application.yml).
 */
@Configuration(proxyBeanMethods = false)
public class ContractRoutes {

	private static final String HEALTHY = "{\"status\":\"ok\"}";

	private static final String STARTING = "{\"status\":\"starting\"}";

	@Bean
	RouterFunction<ServerResponse> handlerRoutes(FeedHandler feed, Warmup warmup) {
		return RouterFunctions
			.route(GET("/healthz"), r -> warmup.done()
					? ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(HEALTHY)
					: ServerResponse.status(503).contentType(MediaType.APPLICATION_JSON).bodyValue(STARTING))
			.andRoute(GET("/api/feed"), feed::feed);
	}
}
