package gwbench.scg;

import java.net.InetSocketAddress;
import java.util.List;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Headers the contract adds on proxied requests: x-request-id, x-user-id (the token's sub) and
 * x-forwarded-for with the client address appended. SCG's own XForwardedHeadersFilter is not
 * used: it exists only with `trusted-proxies` set, which also makes Reactor Netty replace the
 * client address by the (spoofable) X-Forwarded-For value and drops untrusted existing values.
 * Runs after SCG's RemoveHopByHopHeadersFilter (which removes the hop-by-hop headers, including
 * those named in Connection), so a client cannot make it drop what is added here.
 */
@Component
public class ContractHeadersFilter implements HttpHeadersFilter, Ordered {

	public static final String X_USER_ID = "x-user-id";

	public static final String X_FORWARDED_FOR = "x-forwarded-for";

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		HttpHeaders out = new HttpHeaders();
		out.addAll(input);
		String id = exchange.getAttribute(EdgeFilter.REQUEST_ID);
		if (id != null) {
			out.set(EdgeFilter.X_REQUEST_ID, id);
		}
		String sub = exchange.getAttribute(UserIdFilter.SUB);
		if (sub != null) {
			out.set(X_USER_ID, sub);
		}
		else {
			out.remove(X_USER_ID);
		}
		out.set(X_FORWARDED_FOR, appendForwardedFor(input.get(X_FORWARDED_FOR), exchange));
		return out;
	}

	/** The existing X-Forwarded-For values with the client address appended. */
	public static String appendForwardedFor(List<String> existing, ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		String client = remote == null ? "unknown"
				: remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
		if (existing == null || existing.isEmpty()) {
			return client;
		}
		return String.join(", ", existing) + ", " + client;
	}
}
