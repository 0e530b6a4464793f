package dev.wxai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Outgoing traffic as the rendered NetworkPolicies allow it: nothing by default, and per service only the ports of
 * what it uses. Only the worker and the order-service may reach the internet (443); only they and the ingress reach
 * Kafka; only the order-service MySQL; the internet-facing gateway reaches nothing but DNS, Redis, tracing and its
 * upstreams.
 */
class EgressPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void egressIsDeniedUnlessAServiceUsesIt(String env) {
        List<Map<String, Object>> policies = RenderedOverlay.ofKind(env, "NetworkPolicy");
        assertThat(policies).as("a default-deny egress policy for every pod").anyMatch(policy ->
                Yamls.mapAt(policy, "spec", "podSelector").isEmpty()
                        && Yamls.listAt(policy, "spec", "policyTypes").contains("Egress")
                        && Yamls.listAt(policy, "spec", "egress").isEmpty());

        assertThat(ports(policies, "gateway-service")).isSubsetOf("UDP/53", "TCP/53", "TCP/6379", "TCP/8081", "TCP/8083", "TCP/9411",
                "TCP/8090" /* dev: the sandbox */);
        for (String service : List.of("gateway-service", "wechat-ingress-service", "ai-worker-service", "order-service")) {
            Set<String> ports = ports(policies, service);
            assertThat(ports).as(service).contains("UDP/53", "TCP/6379");
            assertThat(ports.contains("TCP/443")).as(service + " on the internet")
                    .isEqualTo(service.equals("ai-worker-service") || service.equals("order-service"));
            // Plaintext 9092 in dev; in prod only the TLS listener where users sign in (9093).
            String kafka = env.equals("prod") ? "TCP/9093" : "TCP/9092";
            assertThat(ports.contains(kafka)).as(service + " to Kafka").isEqualTo(!service.equals("gateway-service"));
            assertThat(ports.contains("TCP/9092") && env.equals("prod")).as(service + " to plaintext Kafka in prod").isFalse();
            assertThat(ports.contains("TCP/3306")).as(service + " to MySQL").isEqualTo(service.equals("order-service"));
        }
        assertThat(ports(policies, "ai-worker-service")).contains("TCP/8283");
    }

    /** Protocol/port pairs the service's pods may open, from every egress rule of the policies that select them. */
    private static Set<String> ports(List<Map<String, Object>> policies, String service) {
        Map<String, String> labels = Map.of("app.kubernetes.io/name", service, "app.kubernetes.io/part-of", "wxai");
        Set<String> ports = new TreeSet<>();
        for (Map<String, Object> policy : policies) {
            if (!selects(Yamls.mapAt(policy, "spec", "podSelector"), labels)) {
                continue;
            }
            for (Object rule : Yamls.listAt(policy, "spec", "egress")) {
                List<Object> rulePorts = Yamls.listAt(rule, "ports");
                if (rulePorts.isEmpty()) {
                    ports.add("ANY");
                }
                rulePorts.forEach(port -> ports.add(Yamls.stringAt(port, "protocol") + "/" + Yamls.stringAt(port, "port")));
            }
        }
        return ports;
    }

    private static boolean selects(Map<String, Object> selector, Map<String, String> labels) {
        Map<String, Object> matchLabels = Yamls.mapAt(selector, "matchLabels");
        for (Map.Entry<String, Object> label : matchLabels.entrySet()) {
            if (!String.valueOf(label.getValue()).equals(labels.get(label.getKey()))) {
                return false;
            }
        }
        for (Object expression : Yamls.listAt(selector, "matchExpressions")) {
            String value = labels.get(Yamls.stringAt(expression, "key"));
            List<Object> values = Yamls.listAt(expression, "values");
            boolean in = value != null && values.contains(value);
            if ("In".equals(Yamls.stringAt(expression, "operator")) != in) {
                return false;
            }
        }
        return true;
    }
}
