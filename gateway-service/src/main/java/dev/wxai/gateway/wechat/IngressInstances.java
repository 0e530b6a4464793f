package dev.wxai.gateway.wechat;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The ingress instance for the next {@code /wechat} request: round-robin over the instances of
 * {@code wxai.gateway.ingress-uris} whose readiness check last answered UP. It is the same Spring Cloud LoadBalancer,
 * with the same health checks ({@code spring.cloud.loadbalancer.health-check}), that Spring Cloud Gateway's
 * {@code lb://ingress} used; {@code config.ConfiguredUpstreams} lists the instances under the service id
 * {@value #SERVICE_ID}.
 */
@Component
class IngressInstances implements SmartInitializingSingleton {

    static final String SERVICE_ID = "ingress";

    private final LoadBalancerClientFactory loadBalancers;
    private volatile ReactorServiceInstanceLoadBalancer loadBalancer;

    IngressInstances(LoadBalancerClientFactory loadBalancers) {
        this.loadBalancers = loadBalancers;
    }

    /**
     * Builds the load balancer's own context (and starts its health checks) at start-up, before the server takes
     * requests, rather than on an event loop at the first message.
     */
    @Override
    public void afterSingletonsInstantiated() {
        loadBalancer = loadBalancers.getInstance(SERVICE_ID, ReactorServiceInstanceLoadBalancer.class);
    }

    /** The base URL ({@code http://host:port}) of the next ready instance; an error when none is ready. */
    Mono<String> next() {
        return loadBalancer.choose().flatMap(chosen -> chosen.hasServer()
                ? Mono.just(baseUrl(chosen.getServer()))
                : Mono.error(new IllegalStateException("no ingress instance is ready")));
    }

    private static String baseUrl(ServiceInstance instance) {
        return (instance.isSecure() ? "https://" : "http://") + instance.getHost() + ":" + instance.getPort();
    }
}
