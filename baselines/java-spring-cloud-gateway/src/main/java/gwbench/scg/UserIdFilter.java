package gwbench.scg;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Stores the verified token's `sub` (the JwtAuthenticationToken's name) in an exchange
 * attribute, from which ContractHeadersFilter sends it upstream as x-user-id.
 */
@Component
public class UserIdFilter implements GlobalFilter, Ordered {

	public static final String SUB = "gwbench.sub";

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return exchange.getPrincipal()
			.doOnNext(p -> exchange.getAttributes().put(SUB, p.getName()))
			.then(chain.filter(exchange));
	}
}
