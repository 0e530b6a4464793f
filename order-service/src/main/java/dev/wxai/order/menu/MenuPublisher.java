package dev.wxai.order.menu;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.wxai.common.redis.AccessTokenStore;
import dev.wxai.order.config.MenuProperties;
import dev.wxai.order.web.ApiException;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Publishes the configured menu through {@code cgi-bin/menu/create} with the access token shared in Redis. WeChat's
 * refusal (its errcode: a broken button, a bad URL) comes back as 502 {@code menu_refused} naming it; nothing is
 * retried, an operator publishes again once the configuration is fixed.
 * https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Creating_Custom-Defined_Menu.html
 */
@Component
public class MenuPublisher {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final WebClient wechat;
    private final AccessTokenStore tokens;
    private final MenuProperties menu;

    MenuPublisher(@Qualifier("wechatApiClient") WebClient wechat, AccessTokenStore tokens, MenuProperties menu) {
        this.wechat = wechat;
        this.tokens = tokens;
        this.menu = menu;
    }

    /** The menu as WeChat wants it. */
    public WechatMenu body() {
        return new WechatMenu(menu.buttons().stream().map(MenuPublisher::button).toList());
    }

    public Mono<Published> publish() {
        WechatMenu body = body();
        if (body.button().isEmpty()) {
            return Mono.error(new ApiException(HttpStatus.CONFLICT, "no_menu", "wxai.menu.buttons is empty: nothing to publish"));
        }
        return tokens.token().flatMap(token -> create(token, body)
                        // A token WeChat no longer takes (another replica refreshed it, or it was revoked): drop it
                        // from the shared cache, unless already replaced, and try once with the current one.
                        .flatMap(result -> result.tokenRejected()
                                ? tokens.invalidate(token).then(tokens.token()).flatMap(fresh -> create(fresh, body))
                                : Mono.just(result)))
                .flatMap(result -> result.errcode() != null && result.errcode() == 0
                        ? Mono.just(new Published(body.button().size()))
                        : Mono.error(new ApiException(HttpStatus.BAD_GATEWAY, "menu_refused",
                                "WeChat refused the menu: " + result.errcode() + " " + result.errmsg())));
    }

    private Mono<WechatResult> create(String token, WechatMenu body) {
        return wechat.post()
                .uri(uri -> uri.path("/cgi-bin/menu/create").queryParam("access_token", token).build())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .retrieve()
                .bodyToMono(WechatResult.class)
                .timeout(TIMEOUT);
    }

    private static Button button(MenuProperties.Button button) {
        return new Button(button.name(), button.subButtons().isEmpty() ? button.type() : null,
                button.subButtons().isEmpty() ? button.key() : null, button.subButtons().isEmpty() ? button.url() : null,
                button.subButtons().isEmpty() ? null : button.subButtons().stream().map(MenuPublisher::button).toList());
    }

    /** {@code {"button":[…]}}, WeChat's shape. */
    public record WechatMenu(List<Button> button) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Button(String name, String type, String key, String url, @JsonProperty("sub_button") List<Button> subButton) {
    }

    /** @param buttons top-level buttons now on the account */
    public record Published(int buttons) {
    }

    record WechatResult(Integer errcode, String errmsg) {

        /** 40001, 40014, 42001: the access token is invalid or expired. */
        boolean tokenRejected() {
            return errcode != null && (errcode == 40001 || errcode == 40014 || errcode == 42001);
        }
    }
}
