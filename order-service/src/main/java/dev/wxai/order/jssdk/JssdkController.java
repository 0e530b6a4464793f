package dev.wxai.order.jssdk;

import dev.wxai.order.config.WebProperties;
import dev.wxai.order.config.WechatProperties;
import dev.wxai.order.web.ApiException;
import java.security.SecureRandom;
import java.time.Clock;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/jssdk?url=}: the values a page of ours passes to {@code wx.config}. Only our own pages are signed:
 * a signature for any URL would let another site use the account's JS-SDK permissions through its ticket.
 */
@RestController
class JssdkController {

    private static final int MAX_URL_LENGTH = 1024;
    private static final char[] NONCE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final JsapiTickets tickets;
    private final WechatProperties wechat;
    private final WebProperties web;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    JssdkController(JsapiTickets tickets, WechatProperties wechat, WebProperties web, Clock clock) {
        this.tickets = tickets;
        this.wechat = wechat;
        this.web = web;
        this.clock = clock;
    }

    @GetMapping("/api/jssdk")
    Mono<JssdkConfig> config(@RequestParam(required = false) String url) {
        String page = url == null ? "" : url.split("#", 2)[0];
        if (page.length() > MAX_URL_LENGTH || !page.startsWith(web.baseUrl() + "/")) {
            return Mono.error(new ApiException(HttpStatus.BAD_REQUEST, "invalid_url",
                    "url must be a page of " + web.baseUrl()));
        }
        long timestamp = clock.millis() / 1000;
        String nonceStr = nonce();
        return tickets.ticket()
                .onErrorMap(error -> new ApiException(HttpStatus.BAD_GATEWAY, "wechat_unavailable",
                        "WeChat did not hand out a JS-SDK ticket; try again"))
                .map(ticket -> new JssdkConfig(wechat.appId(), timestamp, nonceStr, JssdkSignature.sign(ticket, nonceStr, timestamp, page)));
    }

    private String nonce() {
        char[] nonce = new char[16];
        for (int i = 0; i < nonce.length; i++) {
            nonce[i] = NONCE_CHARS[random.nextInt(NONCE_CHARS.length)];
        }
        return new String(nonce);
    }

    /** What {@code wx.config} takes, beside {@code jsApiList}, which the page chooses. */
    record JssdkConfig(String appId, long timestamp, String nonceStr, String signature) {
    }
}
