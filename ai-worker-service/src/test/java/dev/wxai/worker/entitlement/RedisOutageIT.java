package dev.wxai.worker.entitlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.event.EventJson;
import dev.wxai.common.event.OrderEvent;
import dev.wxai.common.event.Topics;
import dev.wxai.common.redis.Keys;
import dev.wxai.testsupport.KafkaBroker;
import dev.wxai.testsupport.RedisServer;
import dev.wxai.testsupport.ServiceProcess;
import dev.wxai.testsupport.TestProducer;
import dev.wxai.testsupport.WechatRequests;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * An ORDER_PAID that meets a Redis outage is retried, not skipped: the worker (its own JVM) applies it once its own
 * Redis (a real redis-server of this test's) is back 30 s later.
 */
class RedisOutageIT {

    private static RedisServer redis;
    private static ServiceProcess worker;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        worker = ServiceProcess.start("ai-worker-service", ServiceProcess.freePorts(1)[0], "256m", Map.of(
                "spring.kafka.bootstrap-servers", KafkaBroker.embedded().bootstrapServers(),
                "spring.data.redis.url", redis.url(),
                // Nothing here calls WeChat or DeepSeek; the addresses only have to be well-formed.
                "wxai.wechat.api-base-url", "http://127.0.0.1:9",
                "wxai.deepseek.base-url", "http://127.0.0.1:9")).awaitHealthy(Duration.ofMinutes(2));
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void anOrderPaidDuringA30SecondRedisOutageIsAppliedOnceRedisReturns() throws Exception {
        String openid = WechatRequests.newOpenid();
        long until = System.currentTimeMillis() + Duration.ofDays(30).toMillis();
        OrderEvent paid = new OrderEvent(OrderEvent.VERSION, UUID.randomUUID().toString(), OrderEvent.PAID, "WXOUT" + openid.substring(20),
                openid, "MEMBER-MONTH", "MEMBERSHIP", 30, System.currentTimeMillis(), 0, until, 1);

        redis.stop();
        try (KafkaProducer<String, String> producer = TestProducer.to(KafkaBroker.embedded().bootstrapServers())) {
            producer.send(new ProducerRecord<>(Topics.ORDER_EVENTS, paid.orderId(), EventJson.write(paid))).get();
        }
        Thread.sleep(30_000); // the outage; the worker keeps retrying the record meanwhile
        redis.resume();

        StringRedisTemplate template = template();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> template.opsForValue().get(Keys.entitlement(openid)) != null);
        assertThat(template.opsForValue().get(Keys.entitlement(openid))).isEqualTo("1:" + until);
    }

    private static StringRedisTemplate template() {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
        factory.afterPropertiesSet();
        factory.start();
        return new StringRedisTemplate(factory);
    }
}
