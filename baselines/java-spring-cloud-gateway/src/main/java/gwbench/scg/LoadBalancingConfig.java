package gwbench.scg;

import gwbench.lb.StaticWeightedInstancesConfiguration;

import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.context.annotation.Configuration;

/** Every `lb://SERVICE` URI resolves through the static weighted instances of GW_UPSTREAM_*. */
@Configuration(proxyBeanMethods = false)
@LoadBalancerClients(defaultConfiguration = StaticWeightedInstancesConfiguration.class)
public class LoadBalancingConfig {
}
