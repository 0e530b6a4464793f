package dev.wxai.order.jssdk;

import dev.wxai.common.redis.AccessTokenStore;
import reactor.core.publisher.Mono;

/** The current jsapi_ticket, fetched by one replica at a time and shared through Redis ({@code jsapi-ticket:{appId}}). */
final class JsapiTickets {

    private final AccessTokenStore store;

    JsapiTickets(AccessTokenStore store) {
        this.store = store;
    }

    Mono<String> ticket() {
        return store.token();
    }
}
