package dev.wxai.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.WechatRequests;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * The ingress holds a WeChat delivery past WeChat's deadline on purpose (its answer comes after {@code wxai.ingress.hold},
 * marked {@code X-Wxai-Held}): the gateway waits for it ({@code ingress-timeout} is above the hold) and passes it on,
 * and its breaker counts none of these as failures.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WechatHoldIT {

    @RegisterExtension
    static final Upstream INGRESS = new Upstream();

    @LocalServerPort
    int port;

    @Autowired
    CircuitBreakerRegistry breakers;

    @DynamicPropertySource
    static void wiring(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.url", TestRedis::url);
        registry.add("wxai.gateway.ingress-uris", INGRESS::uri);
        registry.add("wxai.gateway.order-uris", INGRESS::uri);
        INGRESS.checkedOnItsManagementPort(registry);
        // The upstream "holds" for Upstream.SLOW (3 s); the gateway waits longer, as 7 s is longer than the ingress's 6 s.
        registry.add("wxai.gateway.ingress-timeout", () -> "4s");
    }

    @Test
    void heldDeliveriesAreWaitedForPassedOnAndNeverCountedAgainstTheIngress() {
        INGRESS.answerWith(503, "application/json", "{\"error\":\"held\"}");
        WebClient http = WebClient.create("http://127.0.0.1:" + port);
        long start = System.nanoTime();

        // More than the breaker's minimum number of calls (10), all at once.
        List<Integer> statuses = Flux.range(0, 12)
                .flatMap(i -> http.post().uri("/wechat?signature=s&timestamp=1&nonce=" + i + "&slow=1&openid=" + WechatRequests.newOpenid())
                        .contentType(MediaType.TEXT_XML).bodyValue("<xml/>")
                        .exchangeToMono(response -> response.bodyToMono(String.class)
                                .doOnNext(body -> assertThat(body).isEqualTo("{\"error\":\"held\"}"))
                                .thenReturn(response.statusCode().value())))
                .collectList().block(Duration.ofSeconds(20));

        assertThat(statuses).hasSize(12).containsOnly(503);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Upstream.SLOW);
        CircuitBreaker breaker = breakers.circuitBreaker("ingress");
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
        INGRESS.answerNormally();
    }
}
