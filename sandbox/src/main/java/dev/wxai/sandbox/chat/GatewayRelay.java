package dev.wxai.sandbox.chat;

import io.netty.channel.ChannelOption;
import java.net.URI;
import java.time.Duration;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Delivers a message the chat page built and signed to the gateway's {@code /wechat}, the way WeChat's servers
 * deliver: {@code POST} with {@code Content-Type: text/xml}, the query string and body exactly as given (the page
 * signed them; changing a byte would break the signature, which is the point), and no more patience than WeChat's
 * 5 seconds. The browser cannot post there itself: {@code /wechat} has no CORS, since only WeChat's servers call it.
 */
@Component
class GatewayRelay {

    /** WeChat waits 5 s for an answer before it gives up on a delivery (and retries it). */
    static final Duration WECHAT_PATIENCE = Duration.ofSeconds(5);
    /** The ingress refuses webhook bodies over 64 KiB; the answer of a passive reply is smaller still. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final URI webhook;
    private final WebClient http;

    GatewayRelay(ChatProperties chat, WebClient.Builder builder) {
        this.webhook = URI.create(chat.gatewayUrl() + "/wechat");
        // The whole delivery is bounded below (timeout), so a slow answer surfaces as one TimeoutException.
        HttpClient netty = HttpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000);
        this.http = builder.clone()
                .clientConnector(new ReactorClientHttpConnector(netty))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(MAX_BODY_BYTES))
                .build();
    }

    /** The gateway's answer; fails with a timeout, a connection error or a too-large answer. */
    Mono<Answer> deliver(String rawQuery, byte[] body) {
        // URI.create keeps the query byte for byte; a URI template would re-encode it.
        URI target = URI.create(webhook + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
        return http.post().uri(target)
                .contentType(MediaType.TEXT_XML)
                .bodyValue(body)
                .exchangeToMono(response -> response.bodyToMono(byte[].class)
                        .defaultIfEmpty(new byte[0])
                        .map(answer -> new Answer(response.statusCode(),
                                response.headers().contentType().orElse(null), answer)))
                .timeout(WECHAT_PATIENCE);
    }

    record Answer(HttpStatusCode status, MediaType contentType, byte[] body) {
    }
}
