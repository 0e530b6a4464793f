package dev.wxai.ingress.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wxai.common.event.Topics;
import dev.wxai.common.redis.Keys;
import dev.wxai.testsupport.PausableBroker;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.TopicSnapshot;
import dev.wxai.testsupport.WechatRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A broker that stops answering for a few seconds, against WeChat's delivery rules: WeChat hangs up after 5 s and
 * delivers again, three deliveries in all, and a failure status is an error (retried at once, maybe shown to the
 * user). The broker is a real one in a process of its own, frozen with SIGSTOP: its connections stay open and
 * nothing answers, as in a stall or a partition.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HoldIT {

    static final String TOKEN = "hold-token";
    static final String APP_ID = "wxholdit";
    static final PausableBroker BROKER = PausableBroker.start();
    /** WeChat's patience with one delivery. */
    static final Duration WECHAT_PATIENCE = Duration.ofSeconds(5);

    @LocalServerPort
    int port;

    WebClient http;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", BROKER::bootstrapServers);
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.wechat.token", () -> TOKEN);
        registry.add("wxai.wechat.app-id", () -> APP_ID);
    }

    @AfterAll
    static void stopBroker() {
        BROKER.close();
    }

    @BeforeEach
    void connect() {
        http = WebClient.create("http://127.0.0.1:" + port);
        // The producer knows the topic's partitions before the broker stalls, as a running ingress does.
        String openid = WechatRequests.newOpenid();
        assertThat(delivery(openid, WechatRequests.textXml(openid, WechatRequests.newMsgId(), "warm-up")).block().status())
                .isEqualTo(200);
    }

    @Test
    void aConcurrentDeliveryWaitsForTheFirstOnesPublishAndNeitherFails() throws Exception {
        String openid = WechatRequests.newOpenid();
        String msgId = WechatRequests.newMsgId();
        String xml = WechatRequests.textXml(openid, msgId, "are you there");

        BROKER.pause();
        var first = delivery(openid, xml).subscribeOn(Schedulers.boundedElastic()).toFuture();
        await("the first delivery claims the message").atMost(Duration.ofSeconds(5))
                .until(() -> "pending".equals(TestRedis.template().opsForValue().get(Keys.dedupe(APP_ID, msgId)).block()));
        var second = delivery(openid, xml).subscribeOn(Schedulers.boundedElastic()).toFuture();
        // The first holds while the broker does not answer; the second waits for its outcome instead of failing.
        await("both deliveries wait while the broker is paused").during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> !first.isDone() && !second.isDone());
        BROKER.resume();

        assertThat(first.get().status()).isEqualTo(200);
        assertThat(first.get().body()).isEqualTo("success");
        assertThat(second.get().status()).isEqualTo(200);
        assertThat(second.get().body()).isEqualTo("success");
        assertThat(recordsOf(Set.of(msgId))).containsEntry(msgId, 1L);
    }

    @Test
    void aThreeSecondStallUnderLoadLosesNothingAndWechatNeverSeesAFailure() {
        int messages = 150;
        List<String> openids = new ArrayList<>();
        for (int user = 0; user < 50; user++) {
            openids.add(WechatRequests.newOpenid());
        }
        // 50 messages a second for three seconds; the broker stalls for three seconds after the first.
        Mono.delay(Duration.ofSeconds(1)).doOnNext(tick -> BROKER.pause())
                .then(Mono.delay(Duration.ofSeconds(3))).doOnNext(tick -> BROKER.resume()).subscribe();
        List<Message> sent = Flux.range(0, messages)
                .delayElements(Duration.ofMillis(20))
                .flatMap(i -> {
                    String openid = openids.get(i % openids.size());
                    String msgId = WechatRequests.newMsgId();
                    return asWechat(openid, WechatRequests.textXml(openid, msgId, "message " + i))
                            .map(statuses -> new Message(msgId, statuses));
                }, messages)
                .collectList()
                .block(Duration.ofMinutes(1));

        assertThat(sent).hasSize(messages);
        assertThat(sent).as("every message ended with HTTP 200 success, no delivery saw a failure status")
                .allSatisfy(message -> {
                    assertThat(message.statuses()).isNotEmpty().allMatch(status -> status == 200 || status == 0);
                    assertThat(message.statuses().get(message.statuses().size() - 1)).isEqualTo(200);
                });
        assertThat(sent).as("the stall cost some deliveries a time-out: it was a real one")
                .anyMatch(message -> message.statuses().size() > 1);
        Map<String, Long> records = recordsOf(sent.stream().map(Message::msgId).collect(Collectors.toSet()));
        assertThat(records.keySet()).as("nothing acknowledged is missing from Kafka")
                .containsExactlyInAnyOrderElementsOf(sent.stream().map(Message::msgId).toList());
    }

    /**
     * WeChat's delivery rules: again whenever no answer comes within 5 s (0 stands for that time-out), again at once
     * after a failure status, three deliveries in all. Answers the status of each delivery.
     */
    private Mono<List<Integer>> asWechat(String openid, String xml) {
        return Mono.defer(() -> {
            List<Integer> statuses = new ArrayList<>();
            return Flux.range(1, 3)
                    .concatMap(attempt -> delivery(openid, xml)
                            .map(Answer::status)
                            .onErrorResume(TimeoutException.class, hungUp -> Mono.just(0))
                            .doOnNext(statuses::add))
                    .takeUntil(status -> status == 200)
                    .then(Mono.fromSupplier(() -> statuses));
        });
    }

    private Mono<Answer> delivery(String openid, String xml) {
        return http.post().uri("/wechat?" + WechatRequests.signedQuery(TOKEN, openid))
                .contentType(MediaType.TEXT_XML)
                .bodyValue(xml)
                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        .map(body -> new Answer(response.statusCode().value(), body)))
                .timeout(WECHAT_PATIENCE);
    }

    private static Map<String, Long> recordsOf(Set<String> msgIds) {
        return TopicSnapshot.read(BROKER.bootstrapServers(), Topics.INBOUND).stream()
                .map(record -> msgIds.stream().filter(id -> record.value().contains("\"msgId\":\"" + id + "\"")).findFirst())
                .flatMap(Optional::stream)
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    }

    private record Answer(int status, String body) {
    }

    private record Message(String msgId, List<Integer> statuses) {
    }
}
