package gwbench.scg;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

import sun.misc.Signal;

/** Spring Cloud Gateway baseline of gw-bench (see docs/gateway-contract.md). */
@SpringBootApplication
@EnableConfigurationProperties(GwSettings.class)
public class GatewayApplication {

	private volatile int port;

	private final GwSettings settings;

	public GatewayApplication(GwSettings settings) {
		this.settings = settings;
	}

	public static void main(String[] args) {
		ConfigurableApplicationContext ctx = SpringApplication.run(GatewayApplication.class, args);
		// The JVM's default SIGTERM handling runs Spring's shutdown hook but then exits 143.
		// The contract asks for a clean exit: close the context (graceful: in-flight requests
		// finish) and exit with Spring's exit code, 0.
		Signal.handle(new Signal("TERM"), sig -> new Thread(() -> System.exit(SpringApplication.exit(ctx)),
				"gw-sigterm").start());
	}

	@EventListener
	void onServer(WebServerInitializedEvent event) {
		port = event.getWebServer().getPort();
	}

	@EventListener
	void onReady(ApplicationReadyEvent event) {
		// Printed only when the whole context is up, so the harness never sees a half-started gateway.
		System.out.println("listening on http://" + settings.getListenHost() + ":" + port);
		System.out.flush();
	}
}
