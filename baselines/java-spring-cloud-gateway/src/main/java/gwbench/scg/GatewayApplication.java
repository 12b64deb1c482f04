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

	public static void main(String[] args) {
		ConfigurableApplicationContext ctx = SpringApplication.run(GatewayApplication.class, args);
		// The JVM's default SIGTERM handling runs Spring's shutdown hook but then exits 143.
		// The contract asks for a clean exit: close the context (graceful: in-flight requests
		// finish) and exit with Spring's exit code, 0.
		Signal.handle(new Signal("TERM"), sig -> new Thread(() -> System.exit(SpringApplication.exit(ctx)),
				"gw-sigterm").start());
	}
}
