package gwbench.scg;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A cold JVM runs its first requests through the interpreter and class loading: on a busy
 * 2-core box the first proxied request took over a second (a false 504, or a fan-out part past
 * its 150 ms deadline). So before the gateway calls itself ready (GET /healthz 200, the
 * `listening on` line) it sends itself some seconds of every route over loopback, 4 rounds at
 * a time. It sends them to a private listener on an ephemeral port that runs the same
 * application (the same HttpHandler), not to the public port: with several JVMs on one port
 * (SO_REUSEPORT) requests to the public port land on any JVM, and each JVM must warm its own
 * JIT. Those requests reach the configured upstreams (counted there like any others);
 * breakers are reset afterwards so warm-up failures (e.g. upstreams not up yet) carry over
 * nothing. This is not a substitute for the harness's own warm-up (README "JIT warm-up").
 */
@Component
public class Warmup {

	/** Warm up for at least MIN_ROUNDS rounds and MIN_TIME, but never longer than MAX_TIME. */
	static final int MIN_ROUNDS = 500;

	static final Duration MIN_TIME = Duration.ofSeconds(3);

	static final Duration MAX_TIME = Duration.ofSeconds(20);

	static final int MAX_ROUNDS = 100_000;

	/** Rounds in flight at once: 6 requests each, enough to keep both event loops busy. */
	static final int PARALLEL_ROUNDS = 4;

	private final GwSettings settings;

	private final Breakers breakers;

	private volatile int port;

	private volatile boolean done;

	private final SharedMemory shared;

	public Warmup(GwSettings settings, Breakers breakers, SharedMemory shared) {
		this.settings = settings;
		this.breakers = breakers;
		this.shared = shared;
	}

	/**
	 * True once this JVM and every other JVM on the port finished warming up. With several
	 * JVMs the health check lands on any of them, and one warm JVM answering 200 while its
	 * siblings still warm up would let the load in too early.
	 */
	public boolean done() {
		return done && shared.get(SharedMemory.READY_OFFSET) >= shared.processes;
	}

	@EventListener
	void onServer(WebServerInitializedEvent event) {
		port = event.getWebServer().getPort();
	}

	@EventListener
	void onReady(ApplicationReadyEvent event) {
		// Looked up here, not injected: the HttpHandler depends on the routes, which depend on this.
		HttpHandler handler = event.getApplicationContext().getBean(HttpHandler.class);
		Thread t = new Thread(() -> run(handler), "gw-warmup");
		t.setDaemon(true);
		t.start();
	}

	private void run(HttpHandler handler) {
		ConnectionProvider pool = ConnectionProvider.create("warmup", 32);
		DisposableServer own = null;
		try {
			own = HttpServer.create().host("127.0.0.1").port(0)
				.handle(new ReactorHttpHandlerAdapter(handler))
				.bindNow();
			WebClient client = WebClient.builder()
				.baseUrl("http://127.0.0.1:" + own.port())
				.clientConnector(new ReactorClientHttpConnector(HttpClient.create(pool)))
				.build();
			String good = "Bearer " + validToken();
			String bad = "Bearer e30.e30.invalid";
			long start = System.nanoTime();
			Flux.range(0, MAX_ROUNDS)
				.flatMap(i -> Mono.when(
						call(client.get().uri("/api/feed?uid=warmup&room_id=warmup").header("Authorization", good)),
						call(client.get().uri("/api/user/warmup").header("Authorization", good)),
						call(client.post().uri("/api/interact").header("Authorization", good).bodyValue("{}")),
						call(client.get().uri("/api/user/warmup").header("Authorization", bad)),
						call(client.get().uri("/not-a-route")), call(client.get().uri("/healthz"))), PARALLEL_ROUNDS)
				.index()
				.takeUntil(round -> round.getT1() + 1 >= MIN_ROUNDS
						&& System.nanoTime() - start >= MIN_TIME.toNanos())
				.take(MAX_TIME)
				.blockLast(MAX_TIME.plusSeconds(5));
		}
		catch (RuntimeException e) {
			// Warm-up is best effort: readiness must not depend on it.
		}
		finally {
			pool.dispose();
			if (own != null) {
				own.disposeNow(Duration.ofSeconds(5));
			}
		}
		breakers.resetAll();
		done = true;
		shared.getAndAdd(SharedMemory.READY_OFFSET, 1);
		if (!shared.multiProcess()) {
			// With several JVMs run.sh announces the port once the ready count reaches them all.
			System.out.println("listening on http://" + settings.getListenHost() + ":" + port);
			System.out.flush();
		}
	}

	private static Mono<Void> call(WebClient.RequestHeadersSpec<?> spec) {
		return spec.header("x-request-id", "gw-warmup")
			.exchangeToMono(r -> r.releaseBody())
			.timeout(Duration.ofSeconds(2))
			.onErrorResume(e -> Mono.empty());
	}

	/** An HS256 token the gateway accepts; RS256 has no private key here, so its routes warm up only as far as the 401. */
	private String validToken() {
		if (!"HS256".equals(settings.getJwtAlg())) {
			return "e30.e30.no-key";
		}
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("warmup")
				.issuer(settings.getJwtIssuer())
				.expirationTime(new Date(System.currentTimeMillis() + 60_000))
				.build());
			jwt.sign(new MACSigner(settings.getJwtSecret().getBytes(StandardCharsets.UTF_8)));
			return jwt.serialize();
		}
		catch (Exception e) {
			return "e30.e30.unsigned";
		}
	}
}
