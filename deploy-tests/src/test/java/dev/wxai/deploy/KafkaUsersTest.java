package dev.wxai.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Production's Kafka is least privilege: every service signs in as its own SCRAM user and its ACLs allow exactly what
 * it does, read from what {@code kubectl kustomize k8s/overlays/prod} renders.
 */
class KafkaUsersTest {

    /** user -> "resource type:name" -> operations; exactly this, nothing more. */
    private static final Map<String, Map<String, Set<String>>> EXPECTED = Map.of(
            "wxai-ingress", Map.of(
                    "topic:wechat.inbound", Set.of("Describe", "Write")),
            "wxai-worker", Map.of(
                    "topic:wechat.inbound", Set.of("Describe", "Read"),
                    "topic:order.events", Set.of("Describe", "Read"),
                    "group:ai-worker", Set.of("Describe", "Read"),
                    "group:ai-worker-entitlements", Set.of("Describe", "Read"),
                    "topic:wechat.inbound.DLT", Set.of("Describe", "Write"),
                    "topic:order.events.DLT", Set.of("Describe", "Write")),
            "wxai-order", Map.of(
                    "topic:order.events", Set.of("Describe", "Write")),
            // KEDA reads the worker group's lag.
            "wxai-keda", Map.of(
                    "topic:wechat.inbound", Set.of("Describe"),
                    "group:ai-worker", Set.of("Describe")));

    /** Which Deployment signs in as which user. */
    private static final Map<String, String> USERS = Map.of(
            "wechat-ingress-service", "wxai-ingress",
            "ai-worker-service", "wxai-worker",
            "order-service", "wxai-order");

    @Test
    void everyServiceHasAScramUserWithExactlyTheAclsItNeeds() {
        Map<String, Map<String, Set<String>>> actual = new TreeMap<>();
        for (Map<String, Object> user : RenderedOverlay.ofKind("prod", "KafkaUser")) {
            assertThat(Yamls.stringAt(user, "spec", "authentication", "type")).as(RenderedOverlay.name(user))
                    .isEqualTo("scram-sha-512");
            assertThat(Yamls.stringAt(user, "spec", "authorization", "type")).isEqualTo("simple");
            assertThat(Yamls.stringAt(user, "metadata", "labels", "strimzi.io/cluster")).isEqualTo("wxai");
            Map<String, Set<String>> acls = new TreeMap<>();
            for (Object acl : Yamls.listAt(user, "spec", "authorization", "acls")) {
                assertThat(Yamls.stringAt(acl, "resource", "patternType")).as("no prefix or wildcard grants")
                        .isEqualTo("literal");
                assertThat(Yamls.stringAt(acl, "type")).as("no deny rules to reason about").isIn(null, "allow");
                String resource = Yamls.stringAt(acl, "resource", "type") + ":" + Yamls.stringAt(acl, "resource", "name");
                Set<String> operations = acls.computeIfAbsent(resource, key -> new TreeSet<>());
                Yamls.listAt(acl, "operations").forEach(operation -> operations.add(String.valueOf(operation)));
            }
            actual.put(RenderedOverlay.name(user), acls);
        }
        assertThat(actual).isEqualTo(new TreeMap<>(EXPECTED));
    }

    @Test
    void onlyTheOrderServiceMayWriteOrderEvents() {
        List<String> writers = RenderedOverlay.ofKind("prod", "KafkaUser").stream()
                .filter(user -> Yamls.listAt(user, "spec", "authorization", "acls").stream().anyMatch(acl ->
                        "order.events".equals(Yamls.stringAt(acl, "resource", "name"))
                                && Yamls.listAt(acl, "operations").stream().anyMatch(op -> Set.of("Write", "All").contains(op))))
                .map(RenderedOverlay::name).toList();
        assertThat(writers).containsExactly("wxai-order");
    }

    @Test
    void eachServiceSignsInAsItsOwnUserOverTls() {
        for (Map.Entry<String, String> entry : USERS.entrySet()) {
            Map<String, Object> deployment = RenderedOverlay.find("prod", "Deployment", entry.getKey());
            Map<String, Object> container = Yamls.map(Yamls.listAt(deployment, "spec", "template", "spec", "containers").get(0));
            Map<String, Object> env = new TreeMap<>();
            for (Object variable : Yamls.listAt(container, "env")) {
                env.put(Yamls.stringAt(variable, "name"), variable);
            }
            assertThat(Yamls.stringAt(env.get("WXAI_KAFKA_SECURITYPROTOCOL"), "value")).as(entry.getKey()).isEqualTo("SASL_SSL");
            assertThat(Yamls.stringAt(env.get("WXAI_KAFKA_USERNAME"), "value")).as(entry.getKey()).isEqualTo(entry.getValue());
            assertThat(Yamls.stringAt(env.get("WXAI_KAFKA_PASSWORD"), "valueFrom", "secretKeyRef", "name"))
                    .as(entry.getKey() + ": the Secret Strimzi writes for its user").isEqualTo(entry.getValue());
            assertThat(Yamls.stringAt(env.get("WXAI_KAFKA_TRUSTSTORE"), "value")).as(entry.getKey()).isNotBlank();
        }
        Map<String, Object> scaler = Yamls.map(Yamls.listAt(RenderedOverlay.find("prod", "ScaledObject", "ai-worker-service"),
                "spec", "triggers").get(0));
        assertThat(Yamls.stringAt(scaler, "metadata", "bootstrapServers")).endsWith(":9093");
        Map<String, Object> keda = RenderedOverlay.find("prod", "TriggerAuthentication",
                Yamls.stringAt(scaler, "authenticationRef", "name"));
        assertThat(Yamls.listAt(keda, "spec", "secretTargetRef").stream().map(ref -> Yamls.stringAt(ref, "name")))
                .as("KEDA signs in as wxai-keda").contains("wxai-keda");
        assertThat(RenderedOverlay.find("prod", "Deployment", "gateway-service").toString())
                .as("the gateway never talks to Kafka").doesNotContain("WXAI_KAFKA");
    }
}
