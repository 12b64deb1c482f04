package gwbench.scg;

import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;

import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Reactor Netty server options Spring Boot has no property for, and the shared memory bean. */
@Configuration(proxyBeanMethods = false)
public class ServerTuning {

	/**
	 * The harness ramps to thousands of connections: ask for a deep accept queue (the kernel caps
	 * it at net.core.somaxconn) instead of Netty's default, so a connect burst is queued, not dropped.
	 */
	static final int ACCEPT_BACKLOG = 65535;

	@Bean
	SharedMemory sharedMemory() {
		return SharedMemory.fromEnvironment();
	}

	@Bean
	NettyServerCustomizer acceptBacklog() {
		return server -> server.option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG);
	}

	/**
	 * Several JVMs on one port (run.sh with GW_WORKERS > 1), because one JVM holds at most ~18k
	 * connections under the 20000 open-files cap: each binds with SO_REUSEPORT and the kernel
	 * hashes new connections over their listening sockets. Needs Netty's native epoll transport
	 * (bundled with Reactor Netty, linux-x86_64), which Reactor Netty prefers when it loads.
	 */
	@Bean
	NettyServerCustomizer reusePort(SharedMemory shared) {
		if (!shared.multiProcess()) {
			return server -> server;
		}
		if (!Epoll.isAvailable()) {
			throw new IllegalStateException("several JVMs on one port need SO_REUSEPORT from Netty's epoll transport, "
					+ "which is not available: " + Epoll.unavailabilityCause());
		}
		return server -> server.option(EpollChannelOption.SO_REUSEPORT, true);
	}
}
