package dev.wxai.worker.delivery;

import dev.wxai.common.log.Masking;
import dev.wxai.common.redis.AccessTokenStore;
import dev.wxai.common.wechat.api.WechatApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends text through the customer-service API with the shared access token.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html
 *
 * <p>When WeChat rejects the token (40001, 40014, 42001) the token is dropped from the shared cache, unless
 * another replica already replaced it, and the message is sent once more with the current token.
 */
@Component
public class CustomerServiceSender {

    private static final Logger log = LoggerFactory.getLogger(CustomerServiceSender.class);
    private static final Retry WHILE_BUSY = Retry.backoff(3, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(4))
            .filter(error -> error instanceof WechatApiException wechat && wechat.isBusy())
            .onRetryExhaustedThrow((spec, signal) -> signal.failure());

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final ObjectWriter TEXT = JSON.writerFor(TextMessage.class);
    private static final ObjectWriter TYPING = JSON.writerFor(TypingCommand.class);
    private static final ObjectReader RESULT = JSON.readerFor(WechatResult.class);

    private static final byte[] NO_BODY = new byte[0];
    /** WeChat's answer to a call that worked, byte for byte (wire-samples.md): compared before any parsing. */
    private static final byte[] OK = "{\"errcode\":0,\"errmsg\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);
    private static final WechatResult SUCCESS = new WechatResult(0, "ok");

    /**
     * WeChat's API on Reactor Netty (ClientsConfig), without observation (no span, no timer, no traceparent per
     * call): WeChat reads no trace header, and {@code wxai_replies_total{outcome,errcode}} and
     * {@code wxai_worker_send_window_seconds} say what an operator needs of these calls. Observing each call cost
     * measurable CPU per reply (bench/RESULTS.md, issue 19).
     */
    private final HttpClient http;
    private final HeldToken tokens;
    private final MeterRegistry meters;
    private final Counter sent;

    CustomerServiceSender(@Qualifier("wechatHttpClient") HttpClient http, AccessTokenStore tokens, MeterRegistry meters,
                          Clock clock) {
        this.http = http.headers(headers -> headers.set("Content-Type", "application/json"));
        this.tokens = new HeldToken(tokens, clock);
        this.meters = meters;
        this.sent = meters.counter("wxai.replies", "outcome", "sent", "errcode", "0");
    }

    /**
     * Sends one text message. WeChat's "system busy" ({@code -1}) is retried with backoff; 45015 (outside the 48-hour
     * window, or unfollowed) and 45047 (quota used up) are final and come back as {@link WechatApiException}.
     */
    public Mono<Void> sendText(String openid, String content) {
        return Mono.defer(() -> tokens.token().flatMap(token -> send(token, openid, content)
                        .onErrorResume(WechatApiException.class, error -> error.isTokenRejected()
                                ? retryWithFreshToken(token, openid, content, error)
                                : Mono.error(error))))
                .retryWhen(WHILE_BUSY)
                .doOnSuccess(done -> sent.increment())
                .doOnError(error -> failed(error instanceof WechatApiException wechat ? wechat.errcode() : -2));
    }

    /** Shows "typing" to the user for about 15 s ({@code message/custom/typing}); a rejected token is not retried here. */
    public Mono<Void> typing(String openid) {
        return tokens.token().flatMap(token -> call("custom/typing", token, TYPING.writeValueAsBytes(new TypingCommand(openid, "Typing"))));
    }

    /** {@code wxai_replies_total{outcome,errcode}}: messages WeChat took ({@link #sent}), and those it refused by errcode. */
    private void failed(int errcode) {
        meters.counter("wxai.replies", "outcome", "failed", "errcode", String.valueOf(errcode)).increment();
    }

    private Mono<Void> retryWithFreshToken(String rejected, String openid, String content, WechatApiException error) {
        log.info("WeChat rejected the access token ({}); refreshing once", error.errcode());
        return tokens.invalidate(rejected).then(tokens.token()).flatMap(token -> send(token, openid, content));
    }

    private Mono<Void> send(String token, String openid, String content) {
        byte[] body = TEXT.writeValueAsBytes(new TextMessage(openid, "text", new TextMessage.Text(content)));
        return call("custom/send", token, body)
                .doOnSuccess(sent -> log.debug("Sent a customer-service message to {}", Masking.openid(openid)));
    }

    /**
     * One {@code message/<api>} call. Bodies go out as bytes written by a writer built once (one buffer, so Reactor
     * Netty sends a Content-Length), and the answer is read as bytes and parsed by a reader built once: WebFlux's JSON
     * codecs resolved types and built a generator and a non-blocking parser for every call, a tenth of the worker's
     * CPU at a thousand replies in flight. A status other than 2xx is not WeChat's API answering (that is always 200
     * with an errcode) but something in front of it: {@link UnexpectedStatus}, whose fate is unknown like a time-out's.
     */
    private Mono<Void> call(String api, String token, byte[] body) {
        return http.post()
                .uri("/cgi-bin/message/" + api + "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))
                .send((request, outbound) -> outbound.sendByteArray(Mono.just(body)))
                .responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(NO_BODY).flatMap(bytes -> {
                    int status = response.status().code();
                    if (status < 200 || status > 299) {
                        return Mono.error(new UnexpectedStatus(api, status));
                    }
                    WechatResult result = result(bytes);
                    return result.errcode() == null || result.errcode() != 0
                            ? Mono.error(new WechatApiException(api, result.errcode() == null ? -2 : result.errcode(), result.errmsg()))
                            : Mono.<Void>empty();
                }))
                .then();
    }

    private static WechatResult result(byte[] bytes) {
        if (Arrays.equals(bytes, OK)) {
            return SUCCESS;
        }
        try {
            return RESULT.readValue(bytes);
        } catch (JacksonException notJson) {
            return new WechatResult(-2, "answer is not JSON");
        }
    }

    record WechatResult(Integer errcode, String errmsg) {
    }

    /** WeChat's API (or a proxy in front of it) answered with an HTTP status other than 2xx. */
    static final class UnexpectedStatus extends RuntimeException {

        UnexpectedStatus(String api, int status) {
            super(api + " answered HTTP " + status);
        }
    }

    /** {@code message/custom/send} with a text: {@code {touser, msgtype: "text", text: {content}}}. */
    record TextMessage(String touser, String msgtype, Text text) {

        record Text(String content) {
        }
    }

    /** {@code message/custom/typing}: {@code {touser, command: "Typing" | "CancelTyping"}}. */
    record TypingCommand(String touser, String command) {
    }
}
