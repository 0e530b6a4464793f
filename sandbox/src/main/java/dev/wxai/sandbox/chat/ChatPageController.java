package dev.wxai.sandbox.chat;

import dev.wxai.sandbox.SandboxProperties;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
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
import org.springframework.web.reactive.function.client.WebClientRequestException;
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
    private final GatewayRelay relay;

    ChatPageController(ChatProperties chat, SandboxProperties sandbox, GatewayRelay relay) {
        this.chat = chat;
        this.sandbox = sandbox;
        this.relay = relay;
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
     * unaltered; the gateway's status, content type and body come back as they are. Errors of the relay itself are
     * JSON {@code {"error", "message"}}: 413 for a body over 64 KiB, 502 when the gateway cannot be reached, 504 when
     * it does not answer within WeChat's 5 s.
     */
    @PostMapping("/sandbox/chat/deliver")
    Mono<ResponseEntity<?>> deliver(ServerHttpRequest request) {
        String rawQuery = request.getURI().getRawQuery();
        return DataBufferUtils.join(request.getBody(), GatewayRelay.MAX_BODY_BYTES)
                .map(ChatPageController::bytes)
                .defaultIfEmpty(new byte[0])
                .<ResponseEntity<?>>flatMap(body -> relay.deliver(rawQuery, body)
                        .<ResponseEntity<?>>map(answer -> {
                            ResponseEntity.BodyBuilder response = ResponseEntity.status(answer.status())
                                    .cacheControl(CacheControl.noStore());
                            if (answer.contentType() != null) {
                                response.contentType(answer.contentType());
                            }
                            return response.body(answer.body());
                        })
                        .onErrorResume(ChatPageController::relayFailed))
                .onErrorResume(DataBufferLimitException.class, tooLarge -> Mono.just(error(HttpStatus.CONTENT_TOO_LARGE,
                        "body_too_large", "WeChat never delivers more than 64 KiB")));
    }

    private static Mono<ResponseEntity<?>> relayFailed(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return Mono.just(error(HttpStatus.GATEWAY_TIMEOUT, "gateway_timeout",
                    "the gateway did not answer within WeChat's 5 s; WeChat would deliver the message again"));
        }
        if (failure instanceof WebClientRequestException) {
            return Mono.just(error(HttpStatus.BAD_GATEWAY, "gateway_unreachable",
                    "cannot reach the gateway: " + failure.getMessage()));
        }
        if (failure instanceof DataBufferLimitException) {
            return Mono.just(error(HttpStatus.BAD_GATEWAY, "answer_too_large", "the gateway's answer is over 64 KiB"));
        }
        log.warn("Relaying a chat page message failed", failure);
        return Mono.just(error(HttpStatus.BAD_GATEWAY, "relay_failed", String.valueOf(failure.getMessage())));
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
