package gwbench.scg;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * First filter of every request: counts it, fixes its x-request-id (echoed on the response),
 * and enforces GW_MAX_BODY_BYTES (413) by content-length or, for a chunked body, while it streams.
 */
@Component
public class EdgeFilter implements WebFilter, Ordered {

	/** Exchange attribute holding the request id sent upstream and echoed to the client. */
	public static final String REQUEST_ID = "gwbench.requestId";

	public static final String X_REQUEST_ID = "x-request-id";

	// A random per-process prefix plus a counter: unique, and far cheaper than UUID.randomUUID().
	private final String idPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-";

	private final AtomicLong idCounter = new AtomicLong();

	private final Counter requests;

	private final long maxBody;

	public EdgeFilter(GwSettings settings, MeterRegistry registry) {
		this.maxBody = settings.maxBody();
		this.requests = Counter.builder("gateway.downstream.rq").description("Requests received").register(registry);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		requests.increment();
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders headers = request.getHeaders();
		String id = headers.getFirst(X_REQUEST_ID);
		if (id == null || id.isEmpty()) {
			id = idPrefix + Long.toHexString(idCounter.incrementAndGet());
		}
		exchange.getAttributes().put(REQUEST_ID, id);
		exchange.getResponse().getHeaders().set(X_REQUEST_ID, id);

		long length = headers.getContentLength();
		if (length > maxBody) {
			// The body is not read (it is the problem), so this connection cannot carry another
			// request reliably: close it after the 413.
			exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
			return ErrorBodies.write(exchange.getResponse(), HttpStatus.PAYLOAD_TOO_LARGE, "payload_too_large",
					"request body larger than " + maxBody + " bytes");
		}
		if (length < 0 && headers.containsKey(HttpHeaders.TRANSFER_ENCODING)) {
			// An error inside the body stream that SCG is sending upstream does not end the
			// exchange (the upstream just waits for the rest, then the response timeout fires), so
			// the limit also fails the exchange directly: the race cancels the upstream call, and
			// ContractErrorHandler answers 413.
			Sinks.Empty<Void> exceeded = Sinks.empty();
			ServerHttpRequest limited = new LimitedBody(request, maxBody, exceeded);
			return Mono.firstWithSignal(chain.filter(exchange.mutate().request(limited).build()), exceeded.asMono());
		}
		return chain.filter(exchange);
	}

	/** Fails the body stream with a 413 as soon as it passes the limit. */
	static final class LimitedBody extends ServerHttpRequestDecorator {

		private final long limit;

		private final Sinks.Empty<Void> exceeded;

		LimitedBody(ServerHttpRequest delegate, long limit, Sinks.Empty<Void> exceeded) {
			super(delegate);
			this.limit = limit;
			this.exceeded = exceeded;
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return Flux.defer(() -> {
				long[] seen = { 0 };
				return super.getBody().handle((buffer, sink) -> {
					seen[0] += buffer.readableByteCount();
					if (seen[0] > limit) {
						org.springframework.core.io.buffer.DataBufferUtils.release(buffer);
						BodyTooLargeException e = new BodyTooLargeException(limit);
						exceeded.tryEmitError(e);
						sink.error(e);
					}
					else {
						sink.next(buffer);
					}
				});
			});
		}
	}
}
