package dev.wxai.sandbox.chat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;

/**
 * One message delivered the way WeChat's servers deliver it, by WeChat's published rules:
 * <ul>
 *   <li>"微信服务器在五秒内收不到响应会断掉连接，并且重新发起请求，总共重试三次": no answer within 5 s, and WeChat hangs up
 *       and delivers the same message again; we play three deliveries in all, as ARCHITECTURE.md reads it
 *       (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html);</li>
 *   <li>"直接回复success … 微信服务器不会对此作任何处理，并且不会发起重试": an HTTP 200 ends the message; {@code success}
 *       or an empty body shows the user nothing, a passive reply shows it
 *       (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html);</li>
 *   <li>a status other than 200 (or a refused connection) is a failure: WeChat delivers again at once, as seen from
 *       servers that answered 201 or 503 (four deliveries within a second);</li>
 *   <li>when the last delivery fails too, the user is shown a system notice in the chat:
 *       「该公众号提供的服务出现故障，请稍后再试」 (the same page lists 「该公众号暂时无法提供服务，请稍后再试」 for an
 *       answer that never came; both say the account failed).</li>
 * </ul>
 * The same query and body go out each time: the page signed them once, as WeChat signs a message once.
 */
@Component
class WechatDeliveries {

    static final int DELIVERIES = 3;
    static final String FAILURE_NOTICE = "该公众号提供的服务出现故障，请稍后再试";

    private final GatewayRelay relay;

    WechatDeliveries(GatewayRelay relay) {
        this.relay = relay;
    }

    Mono<DeliveryReport> deliver(String rawQuery, byte[] body) {
        return attempt(rawQuery, body, 1, new ArrayList<>());
    }

    private Mono<DeliveryReport> attempt(String rawQuery, byte[] body, int number, List<DeliveryReport.Attempt> attempts) {
        long started = System.nanoTime();
        return relay.deliver(rawQuery, body)
                .map(answer -> {
                    int status = answer.status().value();
                    attempts.add(new DeliveryReport.Attempt(number, status, millisSince(started), status == 200 ? null : "status " + status));
                    return status == 200 ? Optional.of(answer) : Optional.<GatewayRelay.Answer>empty();
                })
                .onErrorResume(error -> {
                    attempts.add(new DeliveryReport.Attempt(number, 0, millisSince(started), failureOf(error)));
                    return Mono.just(Optional.empty());
                })
                .flatMap(answered -> answered
                        .map(answer -> Mono.just(DeliveryReport.answered(attempts,
                                answer.contentType() == null ? null : answer.contentType().toString(),
                                new String(answer.body(), StandardCharsets.UTF_8))))
                        // No answer in 5 s: WeChat has hung up, and delivers again; a failure status: again at once.
                        .orElseGet(() -> number < DELIVERIES ? attempt(rawQuery, body, number + 1, attempts)
                                : Mono.just(DeliveryReport.failed(attempts, FAILURE_NOTICE))));
    }

    private static long millisSince(long started) {
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
    }

    private static String failureOf(Throwable error) {
        if (error instanceof TimeoutException) {
            return "no answer within 5 s";
        }
        if (error instanceof WebClientRequestException) {
            return "unreachable: " + error.getMessage();
        }
        if (error instanceof DataBufferLimitException) {
            return "answer over 64 KiB";
        }
        return String.valueOf(error.getMessage());
    }
}
