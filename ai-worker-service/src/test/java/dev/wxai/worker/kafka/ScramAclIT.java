package dev.wxai.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.event.EventJson;
import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.event.Topics;
import dev.wxai.testsupport.SandboxClient;
import dev.wxai.testsupport.ScramBroker;
import dev.wxai.testsupport.ServiceProcess;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.WechatRequests;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Production's Kafka in small: the worker, its own JVM, signs in as its own SCRAM user through the same WXAI_KAFKA_*
 * settings as the prod overlay, with the ACLs of k8s/overlays/prod/kafka-users.yaml (read wechat.inbound and
 * order.events in its two groups, write the dead-letter topics). It still answers and dead-letters; the same user
 * cannot forge order events.
 */
class ScramAclIT {

    private static final String USER = "wxai-worker";
    private static final String PASSWORD = "worker-it-password-93ac";
    /** Plays the ingress: may write wechat.inbound only. */
    private static final String INGRESS = "wxai-ingress";
    private static final String INGRESS_PASSWORD = "ingress-it-password-0c55";
    private static final String APP_SECRET = "worker-scram-secret";
    private static final String API_KEY = "sk-worker-scram";
    private static final String APP_ID = "wxscram" + UUID.randomUUID().toString().substring(0, 6);

    private static ScramBroker broker;
    private static ServiceProcess sandboxProcess;
    private static SandboxClient sandbox;
    private static ServiceProcess worker;

    @BeforeAll
    static void start() {
        broker = ScramBroker.start(Topics.INBOUND, Topics.INBOUND_DLT, Topics.ORDER_EVENTS, Topics.ORDER_EVENTS_DLT)
                .user(USER, PASSWORD)
                .allow(USER, ResourceType.TOPIC, Topics.INBOUND, AclOperation.DESCRIBE, AclOperation.READ)
                .allow(USER, ResourceType.TOPIC, Topics.ORDER_EVENTS, AclOperation.DESCRIBE, AclOperation.READ)
                .allow(USER, ResourceType.GROUP, "ai-worker", AclOperation.DESCRIBE, AclOperation.READ)
                .allow(USER, ResourceType.GROUP, "ai-worker-entitlements", AclOperation.DESCRIBE, AclOperation.READ)
                .allow(USER, ResourceType.TOPIC, Topics.INBOUND_DLT, AclOperation.DESCRIBE, AclOperation.WRITE)
                .allow(USER, ResourceType.TOPIC, Topics.ORDER_EVENTS_DLT, AclOperation.DESCRIBE, AclOperation.WRITE)
                .user(INGRESS, INGRESS_PASSWORD)
                .allow(INGRESS, ResourceType.TOPIC, Topics.INBOUND, AclOperation.DESCRIBE, AclOperation.WRITE);
        sandboxProcess = ServiceProcess.start("sandbox", ServiceProcess.freePorts(1)[0], "192m", Map.of(
                "wxai.sandbox.app-id", APP_ID,
                "wxai.sandbox.app-secret", APP_SECRET,
                "wxai.sandbox.deepseek-api-key", API_KEY,
                "wxai.sandbox.model-latency", "50ms"));
        sandbox = new SandboxClient(sandboxProcess.baseUrl());
        Map<String, String> properties = new HashMap<>(broker.clientProperties(USER, PASSWORD));
        properties.putAll(Map.of(
                "spring.data.redis.url", TestRedis.url(),
                "wxai.wechat.app-id", APP_ID,
                "wxai.wechat.app-secret", APP_SECRET,
                "wxai.wechat.api-base-url", sandbox.baseUrl(),
                "wxai.deepseek.base-url", sandbox.baseUrl(),
                "wxai.deepseek.api-key", API_KEY,
                "wxai.entitlements.url", "http://127.0.0.1:9"));
        worker = ServiceProcess.start("ai-worker-service", ServiceProcess.freePorts(1)[0], "256m", properties);
        sandboxProcess.awaitHealthy(Duration.ofMinutes(2));
        worker.awaitHealthy(Duration.ofMinutes(2));
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (sandboxProcess != null) {
            sandboxProcess.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theWorkerAnswersAndDeadLettersAsItsOwnUserAndCannotForgeOrderEvents() {
        String openid = WechatRequests.newOpenid();
        InboundMessage message = new InboundMessage(InboundMessage.VERSION, WechatRequests.newMsgId(), openid, APP_ID,
                "text", "SCRAM 你好", null, null, System.currentTimeMillis() / 1000, System.currentTimeMillis(), "push");
        assertThat(broker.sendAs(INGRESS, INGRESS_PASSWORD, Topics.INBOUND, openid, EventJson.write(message))).isNull();
        String marker = "poison-" + UUID.randomUUID();
        assertThat(broker.sendAs(INGRESS, INGRESS_PASSWORD, Topics.INBOUND, "oPoison", "{not json " + marker)).isNull();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> sandbox.successfulReplies(openid).size() == 1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(broker.read(Topics.INBOUND_DLT)).anySatisfy(record -> assertThat(record.value()).contains(marker)));
        assertThat(broker.sendAs(USER, PASSWORD, Topics.ORDER_EVENTS, openid, "{\"type\":\"ORDER_PAID\"}"))
                .isInstanceOf(TopicAuthorizationException.class);
    }
}
