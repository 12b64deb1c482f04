package gwbench.lb;

import java.util.List;
import java.util.Map;

import gwbench.scg.GwSettings;
import gwbench.scg.UpstreamService;
import reactor.core.publisher.Flux;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Load-balancer client configuration applied to every service (one child context each; kept
 * out of component scanning on purpose). The instance list is the service's smooth weighted
 * round-robin cycle, built once: the default RoundRobinLoadBalancer walking it picks a
 * weighted instance per request, exactly in proportion over each cycle.
 */
public class StaticWeightedInstancesConfiguration {

	@Bean
	ServiceInstanceListSupplier staticWeightedInstances(Environment env, GwSettings settings) {
		String serviceId = env.getProperty(LoadBalancerClientFactory.PROPERTY_NAME);
		UpstreamService service = settings.service(serviceId);
		if (service == null) {
			throw new IllegalStateException("no GW_UPSTREAM_* configuration for service " + serviceId);
		}
		List<ServiceInstance> cycle = service.weightedCycle()
			.stream()
			.map(i -> (ServiceInstance) new DefaultServiceInstance(serviceId + "@" + i.hostPort(), serviceId,
					i.uri().getHost(), i.uri().getPort(), false, Map.of("weight", Integer.toString(i.weight()))))
			.toList();
		Flux<List<ServiceInstance>> always = Flux.just(cycle);
		return new ServiceInstanceListSupplier() {
			@Override
			public String getServiceId() {
				return serviceId;
			}

			@Override
			public Flux<List<ServiceInstance>> get() {
				return always;
			}
		};
	}
}
