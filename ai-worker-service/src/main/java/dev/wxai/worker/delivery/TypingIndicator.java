package dev.wxai.worker.delivery;

import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.log.Masking;
import dev.wxai.worker.config.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * "正在输入…" while the model thinks, in push mode: {@code Typing} when the call starts, renewed every
 * {@code wxai.worker.typing-renew} (WeChat shows it for about 15 s), stopped when the answer is ready (the message
 * itself ends the indicator on the user's phone). It runs beside the answer, never in front of it: its calls are not
 * awaited, and a failed one is only logged.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html#客服输入状态
 */
@Component
public class TypingIndicator {

    private static final Logger log = LoggerFactory.getLogger(TypingIndicator.class);

    private final CustomerServiceSender customerService;
    private final WorkerProperties properties;

    TypingIndicator(CustomerServiceSender customerService, WorkerProperties properties) {
        this.customerService = customerService;
        this.properties = properties;
    }

    /** {@code work} with the indicator shown while it runs. */
    public <T> Mono<T> whileThinking(InboundMessage message, Mono<T> work) {
        if (!"push".equals(message.replyMode()) || properties.typingRenew().isZero()) {
            return work;
        }
        return Mono.defer(() -> {
            Disposable typing = Flux.interval(java.time.Duration.ZERO, properties.typingRenew())
                    .take(properties.typingMaxRenewals())
                    .concatMap(tick -> customerService.typing(message.openid())
                            .onErrorResume(error -> {
                                log.debug("Typing for {} not shown: {}", Masking.openid(message.openid()), error.toString());
                                return Mono.empty();
                            }))
                    .subscribe();
            return work.doFinally(signal -> typing.dispose());
        });
    }
}
