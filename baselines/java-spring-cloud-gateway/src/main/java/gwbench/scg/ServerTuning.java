package gwbench.scg;

import io.netty.channel.ChannelOption;

import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Reactor Netty server options Spring Boot has no property for. */
@Configuration(proxyBeanMethods = false)
public class ServerTuning {

	/**
	 * The harness ramps to thousands of connections: ask for a deep accept queue (the kernel caps
	 * it at net.core.somaxconn) instead of Netty's default, so a connect burst is queued, not dropped.
	 */
	static final int ACCEPT_BACKLOG = 65535;

	@Bean
	NettyServerCustomizer acceptBacklog() {
		return server -> server.option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG);
	}
}
