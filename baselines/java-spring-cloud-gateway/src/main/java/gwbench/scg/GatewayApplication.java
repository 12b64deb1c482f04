package gwbench.scg;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;

import sun.misc.Signal;

/**
 * Spring Cloud Gateway baseline of gw-bench (see docs/gateway-contract.md). The `listening on`
 * line is printed by Warmup once the gateway is warm.
 */
@SpringBootApplication
@EnableConfigurationProperties(GwSettings.class)
public class GatewayApplication {

	/** Graceful shutdown is capped at 5 s (application.yml); the harness kills after 10 s. */
	static final long SHUTDOWN_LIMIT_MS = 9_000;

	/**
	 * Reactor Netty 1.2.18 (the newest release) can stop reading a keep-alive connection: a
	 * request that arrives before the previous request's operations have terminated is
	 * buffered with its trailing LastHttpContent, the queue then drains without dispatching
	 * a request, and nothing re-arms the read, so the next request on that connection never
	 * gets an answer (reactor-netty#4361, PR #4347; fixed after 1.2.18). The feed answers
	 * from a client event loop while the connection lives on the other, which opens exactly
	 * that window. With lastFlushWhenNoRead the previous operations terminate on their last
	 * flush, so such a request is dispatched at once instead of queued. Set before any
	 * Reactor Netty class loads (it is read once); -D on the command line still wins.
	 */
	static final String LAST_FLUSH_WHEN_NO_READ = "reactor.netty.http.server.lastFlushWhenNoRead";

	public static void main(String[] args) {
		if (System.getProperty(LAST_FLUSH_WHEN_NO_READ) == null) {
			System.setProperty(LAST_FLUSH_WHEN_NO_READ, "true");
		}
		ConfigurableApplicationContext ctx = SpringApplication.run(GatewayApplication.class, args);
		// The JVM's default SIGTERM handling runs Spring's shutdown hook but then exits 143.
		// The contract asks for a clean exit: close the context (graceful: in-flight requests
		// finish) and exit with Spring's exit code, 0. Whatever happens while closing, the
		// process exits: a failed close must never leave a half-stopped gateway listening.
		Signal.handle(new Signal("TERM"), sig -> new Thread(() -> shutdown(ctx), "gw-sigterm").start());
	}

	private static void shutdown(ConfigurableApplicationContext ctx) {
		Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(SHUTDOWN_LIMIT_MS);
			}
			catch (InterruptedException e) {
				return;
			}
			System.err.println("shutdown took longer than " + SHUTDOWN_LIMIT_MS + " ms: halting");
			Runtime.getRuntime().halt(1);
		}, "gw-shutdown-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
		int code = 1;
		try {
			code = SpringApplication.exit(ctx);
		}
		catch (Throwable t) {
			t.printStackTrace();
		}
		finally {
			System.exit(code);
		}
	}
}
