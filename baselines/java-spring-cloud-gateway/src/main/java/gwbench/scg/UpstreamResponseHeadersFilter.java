package gwbench.scg;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The gateway set the response's x-request-id before routing; SCG adds (not replaces) the
 * upstream's headers, so an upstream echoing x-request-id would duplicate it.
 */
@Component
public class UpstreamResponseHeadersFilter implements HttpHeadersFilter, Ordered {

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public boolean supports(Type type) {
		return type == Type.RESPONSE;
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		if (!input.containsKey(EdgeFilter.X_REQUEST_ID)) {
			return input;
		}
		HttpHeaders out = new HttpHeaders();
		out.addAll(input);
		out.remove(EdgeFilter.X_REQUEST_ID);
		return out;
	}
}
