package gwbench.scg;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriUtils;

/**
 * GET /api/feed: user-status and barrage fetched concurrently on the gateway's own Reactor
 * Netty pool, each bounded by GW_FANOUT_DEADLINE_MS and its service's breaker; a failed or
 * late part is null and listed in `degraded` (late parts are abandoned, never waited for).
 */
@Component
public class FeedHandler {

	private final WebClient client;

	private final ObjectMapper mapper;

	private final LoadBalancerClientFactory balancers;

	private final Map<String, ReactiveLoadBalancer<ServiceInstance>> balancerCache = new ConcurrentHashMap<>();

	private final SharedBreaker userStatusBreaker;

	private final SharedBreaker barrageBreaker;

	private final Duration deadline;

	/** The outcome of one part: its JSON, or why it is degraded. */
	record Part(JsonNode json, boolean timedOut) {
		static final Part FAILED = new Part(null, false);

		static final Part TIMEOUT = new Part(null, true);

		boolean ok() {
			return json != null;
		}
	}

	/** A 5xx answer: a breaker failure (other non-2xx statuses degrade the part but are not). */
	static final class UpstreamStatusException extends RuntimeException {
		UpstreamStatusException(int status) {
			super("upstream status " + status, null, false, false);
		}
	}

	public FeedHandler(HttpClient gatewayHttpClient, ObjectMapper mapper, LoadBalancerClientFactory balancers,
			Breakers breakers, GwSettings settings) {
		// Same HttpClient (and so the same tuned connection pool and counters) as the proxied routes.
		this.client = WebClient.builder().clientConnector(new ReactorClientHttpConnector(gatewayHttpClient)).build();
		this.mapper = mapper;
		this.balancers = balancers;
		this.userStatusBreaker = breakers.of(GwSettings.USER_STATUS);
		this.barrageBreaker = breakers.of(GwSettings.BARRAGE);
		this.deadline = settings.fanoutDeadline();
	}

	/** Handles GET /api/feed. */
	public Mono<ServerResponse> feed(ServerRequest request) {
		String uid = request.queryParam("uid").orElse("");
		String roomId = request.queryParam("room_id").orElse("");
		if (uid.isEmpty() || roomId.isEmpty()) {
			return error(HttpStatus.BAD_REQUEST, "bad_request", "uid and room_id are required");
		}
		String requestId = request.exchange().getAttribute(EdgeFilter.REQUEST_ID);
		String forwardedFor = ContractHeadersFilter.appendForwardedFor(
				request.headers().asHttpHeaders().get(ContractHeadersFilter.X_FORWARDED_FOR), request.exchange());
		return request.principal().map(p -> p.getName()).defaultIfEmpty("").flatMap(sub -> {
			Consumer<HttpHeaders> headers = h -> {
				h.set(EdgeFilter.X_REQUEST_ID, requestId);
				h.set(ContractHeadersFilter.X_FORWARDED_FOR, forwardedFor);
				h.set(ContractHeadersFilter.X_USER_ID, sub);
			};
			Mono<Part> status = part(GwSettings.USER_STATUS, userStatusBreaker,
					"/status/" + UriUtils.encodePathSegment(uid, StandardCharsets.UTF_8), headers);
			Mono<Part> barrage = part(GwSettings.BARRAGE, barrageBreaker,
					"/barrage/" + UriUtils.encodePathSegment(roomId, StandardCharsets.UTF_8), headers);
			return Mono.zip(status, barrage).flatMap(t -> respond(uid, roomId, t.getT1(), t.getT2()));
		});
	}

	private Mono<Part> part(String service, SharedBreaker breaker, String path, Consumer<HttpHeaders> headers) {
		Mono<Part> call = Mono.from(balancer(service).choose()).flatMap(chosen -> {
			if (!chosen.hasServer()) {
				return Mono.error(new IllegalStateException("no instance of " + service));
			}
			URI uri = URI.create(chosen.getServer().getUri() + path);
			return client.get().uri(uri).headers(headers).exchangeToMono(FeedHandler::read);
		});
		// The deadline sits inside the breaker, so a missed deadline counts as a failure; an
		// open breaker degrades the part without calling the service.
		return Mono.defer(() -> {
			SharedBreaker.Ticket ticket = breaker.allow();
			if (ticket == null) {
				return Mono.just(Part.FAILED);
			}
			SharedBreaker.Ticket once = ticket.once();
			return call.timeout(deadline, Mono.error(DeadlineExceededException::new))
				.doOnSuccess(p -> once.done(SharedBreaker.Outcome.SUCCESS))
				.doOnError(e -> once.done(SharedBreaker.Outcome.FAILURE))
				.doOnCancel(() -> once.done(SharedBreaker.Outcome.EXCLUDED));
		}).onErrorResume(e -> Mono.just(e instanceof DeadlineExceededException ? Part.TIMEOUT : Part.FAILED));
	}

	private static Mono<Part> read(ClientResponse response) {
		int status = response.statusCode().value();
		if (status >= 200 && status < 300) {
			return response.bodyToMono(JsonNode.class).map(json -> new Part(json, false))
				.defaultIfEmpty(new Part(NullNode.getInstance(), false));
		}
		if (status >= 500) {
			return response.releaseBody().then(Mono.error(new UpstreamStatusException(status)));
		}
		return response.releaseBody().thenReturn(Part.FAILED);
	}

	private Mono<ServerResponse> respond(String uid, String roomId, Part status, Part barrage) {
		if (!status.ok() && !barrage.ok()) {
			return status.timedOut() && barrage.timedOut()
					? error(HttpStatus.GATEWAY_TIMEOUT, "upstream_timeout", "both parts missed the deadline")
					: error(HttpStatus.BAD_GATEWAY, "bad_gateway", "both parts failed");
		}
		ObjectNode body = mapper.createObjectNode();
		body.put("uid", uid);
		body.put("room_id", roomId);
		body.set("user_status", status.ok() ? status.json() : NullNode.getInstance());
		body.set("barrage", barrage.ok() ? barrage.json() : NullNode.getInstance());
		ArrayNode degraded = body.putArray("degraded");
		if (!status.ok()) {
			degraded.add("user_status");
		}
		if (!barrage.ok()) {
			degraded.add("barrage");
		}
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
	}

	private ReactiveLoadBalancer<ServiceInstance> balancer(String service) {
		return balancerCache.computeIfAbsent(service, balancers::getInstance);
	}

	static Mono<ServerResponse> error(HttpStatus status, String kind, String message) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"error\":\"" + kind + "\",\"message\":\"" + message + "\"}");
	}
}
