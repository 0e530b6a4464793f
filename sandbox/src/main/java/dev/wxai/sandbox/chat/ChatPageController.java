package dev.wxai.sandbox.chat;

import dev.wxai.sandbox.SandboxProperties;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The chat page's server side: the page itself ({@code /chat/}, static files beside it), its settings, and the relay
 * that delivers its signed messages to the gateway as WeChat's servers would. The page does the signing and the
 * encryption; nothing here adds or changes a byte of a delivery.
 */
@RestController
class ChatPageController {

    private static final Logger log = LoggerFactory.getLogger(ChatPageController.class);
    private static final Resource PAGE = new ClassPathResource("static/chat/index.html");

    private final ChatProperties chat;
    private final SandboxProperties sandbox;
    private final WechatDeliveries deliveries;

    ChatPageController(ChatProperties chat, SandboxProperties sandbox, WechatDeliveries deliveries) {
        this.chat = chat;
        this.sandbox = sandbox;
        this.deliveries = deliveries;
    }

    /** The page's scripts are relative to it, so it must be loaded from the folder's URL. */
    @GetMapping("/chat")
    ResponseEntity<Void> folder() {
        return ResponseEntity.status(HttpStatus.FOUND).location(URI.create("/chat/")).build();
    }

    /** WebFlux serves static files but no index of a folder. */
    @GetMapping("/chat/")
    ResponseEntity<Resource> page() {
        return ResponseEntity.ok().contentType(MediaType.TEXT_HTML).cacheControl(CacheControl.noStore()).body(PAGE);
    }

    /**
     * Everything the page needs to sign (and encrypt) like WeChat. Hands out the Token and EncodingAESKey: the sandbox
     * is a development tool and holds only the local stack's secrets.
     */
    @GetMapping("/sandbox/chat/config")
    ResponseEntity<Map<String, Object>> config() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("gatewayUrl", chat.browserGatewayUrl());
        config.put("token", chat.token());
        config.put("appId", sandbox.appId());
        config.put("aesKey", chat.aesKey().isEmpty() ? null : chat.aesKey());
        config.put("originalId", chat.originalId());
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(config);
    }

    /**
     * {@code POST /sandbox/chat/deliver?<signed query>} with the XML body: delivered to the gateway's {@code /wechat}
     * unaltered, by WeChat's rules ({@link WechatDeliveries}: again after 5 s without an answer or at once after a
     * failure status, three deliveries in all). Answers a {@link DeliveryReport}: each delivery, then the answer that
     * ended the message, or the notice WeChat shows the user when none did. 413 (JSON {@code {"error", "message"}})
     * for a body over 64 KiB, which WeChat never sends.
     */
    @PostMapping("/sandbox/chat/deliver")
    Mono<ResponseEntity<?>> deliver(ServerHttpRequest request) {
        String rawQuery = request.getURI().getRawQuery();
        return DataBufferUtils.join(request.getBody(), GatewayRelay.MAX_BODY_BYTES)
                .map(ChatPageController::bytes)
                .defaultIfEmpty(new byte[0])
                .<ResponseEntity<?>>flatMap(body -> deliveries.deliver(rawQuery, body)
                        .map(report -> {
                            if ("failed".equals(report.outcome())) {
                                log.info("WeChat's {} deliveries of a chat page message failed; the user sees 「{}」",
                                        report.deliveries().size(), report.notice());
                            }
                            return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(report);
                        }))
                .onErrorResume(DataBufferLimitException.class, tooLarge -> Mono.just(error(HttpStatus.CONTENT_TOO_LARGE,
                        "body_too_large", "WeChat never delivers more than 64 KiB")));
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatus status, String error, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", error, "message", message));
    }
}
