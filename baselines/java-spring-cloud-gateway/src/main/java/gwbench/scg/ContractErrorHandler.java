package gwbench.scg;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;

import org.springframework.boot.web.reactive.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Maps every failure to the contract's status and JSON body: unknown route 404, breaker open
 * 503, upstream timeout 504, upstream refused/reset 502. Runs before Boot's default handler.
 */
@Component
@Order(-2)
public class ContractErrorHandler implements ErrorWebExceptionHandler {

	private static final Logger LOG = LoggerFactory.getLogger(ContractErrorHandler.class);

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			// Headers are out (e.g. the upstream broke mid-body): all that is left is to abort.
			return Mono.error(ex);
		}
		HttpStatus status = statusOf(ex);
		if (status == HttpStatus.INTERNAL_SERVER_ERROR) {
			// Unexpected by definition: worth a log line (everything else is a contract outcome).
			LOG.warn("500 for {} {}: {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex.toString());
		}
		response.getHeaders().clear();
		String id = exchange.getAttribute(EdgeFilter.REQUEST_ID);
		if (id != null) {
			response.getHeaders().set(EdgeFilter.X_REQUEST_ID, id);
		}
		String kind = ErrorBodies.kind(status.value());
		String message = message(ex, status);
		// Drain the unread request body first (UnreadBody); 413 is the exception: its body is
		// the problem, so the connection is closed instead of reading it.
		if (status == HttpStatus.PAYLOAD_TOO_LARGE) {
			response.getHeaders().set(HttpHeaders.CONNECTION, "close");
			return ErrorBodies.write(response, status, kind, message);
		}
		return UnreadBody.drain(exchange).then(Mono.defer(() -> ErrorBodies.write(response, status, kind, message)));
	}

	static HttpStatus statusOf(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof BreakerOpenException) {
				return HttpStatus.SERVICE_UNAVAILABLE;
			}
			if (t instanceof ResponseStatusException rse) {
				int code = rse.getStatusCode().value();
				// Contract: anything that is not one of its routes is 404 (a known path with
				// another method included).
				if (code == 405) {
					return HttpStatus.NOT_FOUND;
				}
				HttpStatus s = HttpStatus.resolve(code);
				return s == null ? HttpStatus.INTERNAL_SERVER_ERROR : s;
			}
			ResponseStatus annotated = AnnotatedElementUtils.findMergedAnnotation(t.getClass(), ResponseStatus.class);
			if (annotated != null) {
				// e.g. SCG's ServiceUnavailableException when a breaker is open.
				return annotated.code();
			}
			if (t instanceof TimeoutException || t instanceof PoolAcquireTimeoutException) {
				return HttpStatus.GATEWAY_TIMEOUT;
			}
			if (t instanceof IOException) {
				// Connection refused / reset / closed before a response (incl. PrematureCloseException).
				return HttpStatus.BAD_GATEWAY;
			}
		}
		return HttpStatus.INTERNAL_SERVER_ERROR;
	}

	private static String message(Throwable ex, HttpStatus status) {
		return switch (status.value()) {
			case 404 -> "no route";
			case 503 -> "circuit breaker open";
			case 504 -> "upstream did not respond in time";
			case 502 -> "upstream connection failed";
			default -> ex instanceof ResponseStatusException rse && rse.getReason() != null ? rse.getReason()
					: status.getReasonPhrase();
		};
	}
}
