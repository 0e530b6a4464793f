package dev.wxai.order.shop;

import dev.wxai.order.config.WebProperties;
import java.net.URI;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The member page, {@code /shop/}, the page the account's 「会员」 menu opens (its scripts and styles are static
 * resources under {@code static/shop/}). Signed-in users only; Spring Security sends others through WeChat sign-in.
 */
@Configuration
class ShopPageRoutes {

    private static final Resource PAGE = new ClassPathResource("static/shop/index.html");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** WeChat's browser brings the real WeixinJSBridge: in production this script has nothing to add. */
    private static final String NO_BRIDGE = "// WeixinJSBridge is WeChat's own; nothing to load here.\n";

    @Bean
    RouterFunction<ServerResponse> shopPage(WebProperties web) {
        return route(GET("/shop"), request -> ServerResponse.permanentRedirect(URI.create("/shop/")).build())
                .andRoute(GET("/shop/"), request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML)
                        .cacheControl(CacheControl.noStore()).bodyValue(PAGE))
                .andRoute(GET("/shop/dev-bridge.js"), request -> ServerResponse.ok()
                        .contentType(MediaType.valueOf("application/javascript")).bodyValue(bridgeLoader(web.devBridgeUrl())));
    }

    /**
     * Adds the stand-in bridge's own script element rather than redirecting to it: the stand-in finds its origin (the
     * sandbox's, where it pays) from its script's {@code src}, which a redirect would leave pointing at us. The page
     * waits for {@code WeixinJSBridgeReady}, as it must inside WeChat too.
     */
    static String bridgeLoader(String devBridgeUrl) {
        if (devBridgeUrl.isEmpty()) {
            return NO_BRIDGE;
        }
        return "// Local only (WXAI_WEB_DEVBRIDGEURL): the sandbox's stand-in WeixinJSBridge for desktop browsers.\n"
                + "(function () {\n"
                + "  if (window.WeixinJSBridge) return;\n"
                + "  var script = document.createElement('script');\n"
                + "  script.src = " + JSON.writeValueAsString(devBridgeUrl) + ";\n"
                + "  document.head.appendChild(script);\n"
                + "})();\n";
    }
}
