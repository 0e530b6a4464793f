package dev.wxai.gateway.config;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * The upstream instances as configured: routes name {@code lb://ingress} and {@code lb://order}, and Spring Cloud
 * LoadBalancer shares requests round-robin between the instances listed here, leaving out those whose readiness
 * check fails (see {@code spring.cloud.loadbalancer.health-check} in application.yml). On Kubernetes each list is
 * usually one Service address, which spreads the load itself.
 */
@Component
class ConfiguredUpstreams implements ReactiveDiscoveryClient {

    static final String INGRESS = "ingress";
    static final String ORDER = "order";

    private final Map<String, List<ServiceInstance>> instances;

    ConfiguredUpstreams(GatewayProperties properties) {
        this.instances = Map.of(INGRESS, instances(INGRESS, properties.ingressUris()),
                ORDER, instances(ORDER, properties.orderUris()));
    }

    private static List<ServiceInstance> instances(String serviceId, List<URI> uris) {
        return IntStream.range(0, uris.size())
                .<ServiceInstance>mapToObj(i -> new DefaultServiceInstance(serviceId + "-" + i, serviceId,
                        uris.get(i).getHost(), port(uris.get(i)), "https".equals(uris.get(i).getScheme())))
                .toList();
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    @Override
    public String description() {
        return "upstreams from wxai.gateway.ingress-uris and order-uris";
    }

    @Override
    public Flux<ServiceInstance> getInstances(String serviceId) {
        return Flux.fromIterable(instances.getOrDefault(serviceId, List.of()));
    }

    @Override
    public Flux<String> getServices() {
        return Flux.fromIterable(instances.keySet());
    }
}
