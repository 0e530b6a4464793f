package dev.wxai.order.payment;

import static org.springframework.web.reactive.function.server.RequestPredicates.POST;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import dev.wxai.common.tracing.TraceScope;
import dev.wxai.order.order.OrderTransitions.Outcome;
import dev.wxai.order.pay.NotificationVerifier;
import dev.wxai.order.pay.PayApi;
import dev.wxai.order.pay.RejectedNotification;
import dev.wxai.order.web.ApiException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code POST /pay/notify}: WeChat Pay's payment and refund notifications. Success, and every duplicate, is answered
 * 204 with no body; anything refused gets a 4xx (or 5xx when we failed) with {@code {"code":"FAIL","message":…}},
 * and WeChat Pay retries it for about a day.
 * https://pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/payment-notice.html
 */
@Configuration
class PaymentNotificationHandler {

    private static final Logger log = LoggerFactory.getLogger(PaymentNotificationHandler.class);

    private final NotificationVerifier verifier;
    private final PaymentRecorder recorder;
    private final PaymentMetrics metrics;

    PaymentNotificationHandler(NotificationVerifier verifier, PaymentRecorder recorder, PaymentMetrics metrics) {
        this.verifier = verifier;
        this.recorder = recorder;
        this.metrics = metrics;
    }

    @Bean
    RouterFunction<ServerResponse> payNotifyRoute() {
        return route(POST("/pay/notify"), this::notify);
    }

    Mono<ServerResponse> notify(ServerRequest request) {
        return request.bodyToMono(String.class)
                .defaultIfEmpty("")
                .map(body -> verifier.open(request.headers().asHttpHeaders(), body))
                .flatMap(notification -> switch (notification.eventType()) {
                    case "TRANSACTION.SUCCESS" -> recorder.paid(PayApi.read(notification.resource(), PayApi.Transaction.class),
                            notification.resourceJson());
                    case "REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED" ->
                            recorder.refund(PayApi.read(notification.resource(), PayApi.Refund.class));
                    default -> {
                        log.info("Notification {} of type {} needs nothing", notification.id(), notification.eventType());
                        yield Mono.just(Outcome.IGNORED);
                    }
                })
                .flatMap(outcome -> {
                    metrics.notification(true);
                    return ServerResponse.noContent().build();
                })
                .onErrorResume(RejectedNotification.class, rejected -> {
                    metrics.notification(false);
                    return TraceScope.logged(() -> log.warn("Refused a payment notification: {}", rejected.getMessage()))
                            .then(fail(rejected.status(), rejected.getMessage()));
                })
                .onErrorResume(ApiException.class, refused -> {
                    // Our books refuse it (unknown order, an amount that does not fit): WeChat Pay is told why.
                    metrics.notification(false);
                    return TraceScope.logged(() -> log.warn("Refused a payment notification: {}", refused.getMessage()))
                            .then(fail(refused.status(), refused.getMessage()));
                })
                .onErrorResume(error -> TraceScope.logged(
                                () -> log.error("Could not record a payment notification; WeChat Pay will retry", error))
                        .then(fail(HttpStatus.INTERNAL_SERVER_ERROR, "temporarily unable to record the notification")));
    }

    private static Mono<ServerResponse> fail(HttpStatus status, String message) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("code", "FAIL", "message", message));
    }
}
