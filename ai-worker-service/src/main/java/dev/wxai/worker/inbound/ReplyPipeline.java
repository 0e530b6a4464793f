package dev.wxai.worker.inbound;

import dev.wxai.common.event.InboundMessage;
import dev.wxai.common.log.Masking;
import dev.wxai.common.redis.PassiveAnswers;
import dev.wxai.worker.deepseek.DeepSeekClient;
import dev.wxai.worker.delivery.CustomerServiceSender;
import dev.wxai.worker.delivery.DeliveredMarker;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** One inbound text message: ask the model, send its answer through the customer-service API, remember that. */
@Component
class ReplyPipeline {

    private static final Logger log = LoggerFactory.getLogger(ReplyPipeline.class);

    private final DeepSeekClient deepSeek;
    private final CustomerServiceSender sender;
    private final PassiveAnswers passiveAnswers;
    private final DeliveredMarker delivered;

    ReplyPipeline(DeepSeekClient deepSeek, CustomerServiceSender sender, PassiveAnswers passiveAnswers,
                  DeliveredMarker delivered) {
        this.deepSeek = deepSeek;
        this.sender = sender;
        this.passiveAnswers = passiveAnswers;
        this.delivered = delivered;
    }

    Mono<Void> handle(InboundMessage message) {
        if (!message.isText()) {
            return Mono.empty();
        }
        return delivered.isDelivered(message.msgId()).flatMap(already -> {
            if (already) {
                log.info("Message {} was answered before; skipping its redelivery", message.msgId());
                return Mono.empty();
            }
            return answer(message);
        });
    }

    private Mono<Void> answer(InboundMessage message) {
        return deepSeek.answer(message.openid(), List.of(), message.content())
                .flatMap(answer -> deliver(message, answer))
                .then(delivered.markDelivered(message.msgId()))
                .doOnSuccess(done -> log.info("Answered message {} from {}", message.msgId(),
                        Masking.openid(message.openid())));
    }

    /**
     * Push mode sends through the customer-service API; passive mode (accounts without that API) hands the answer
     * to the ingress replica that holds the user's WeChat delivery.
     */
    private Mono<Void> deliver(InboundMessage message, String answer) {
        return "passive".equals(message.replyMode())
                ? passiveAnswers.store(message.msgId(), answer)
                : sender.sendText(message.openid(), answer);
    }
}
