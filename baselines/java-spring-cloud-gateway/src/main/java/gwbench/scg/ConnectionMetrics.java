package gwbench.scg;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The contract's connection/request counters. Reactor Netty only has gauges for connections,
 * so these hook channel creation (one call per TCP connection) and request sending.
 * gateway_downstream_rq_total is counted in EdgeFilter.
 */
@Configuration(proxyBeanMethods = false)
public class ConnectionMetrics {

	@Bean
	NettyServerCustomizer downstreamConnections(MeterRegistry registry) {
		Counter cx = Counter.builder("gateway.downstream.cx").description("Client connections accepted").register(registry);
		return server -> server.doOnChannelInit((observer, channel, remote) -> cx.increment());
	}

	@Bean
	HttpClientCustomizer upstreamConnections(MeterRegistry registry, GwSettings settings) {
		// host:port of each configured instance -> its service name (the `upstream` label).
		Map<String, String> serviceOf = new ConcurrentHashMap<>();
		settings.services().forEach((name, service) -> service.instances()
			.forEach(i -> serviceOf.put(i.hostPort(), name)));
		Map<String, Counter> cx = new ConcurrentHashMap<>();
		Map<String, Counter> rq = new ConcurrentHashMap<>();
		return client -> client
			.doOnChannelInit((observer, channel, remote) -> counter(registry, cx, "gateway.upstream.cx",
					label(serviceOf, remote)).increment())
			.doOnRequest((request, connection) -> counter(registry, rq, "gateway.upstream.rq",
					label(serviceOf, connection.channel().remoteAddress())).increment());
	}

	private static Counter counter(MeterRegistry registry, Map<String, Counter> cache, String name, String upstream) {
		return cache.computeIfAbsent(upstream, u -> Counter.builder(name).tag("upstream", u).register(registry));
	}

	private static String label(Map<String, String> serviceOf, SocketAddress address) {
		if (address instanceof InetSocketAddress inet) {
			String key = inet.getHostString() + ":" + inet.getPort();
			return serviceOf.getOrDefault(key, key);
		}
		return String.valueOf(address);
	}
}
