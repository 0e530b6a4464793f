package dev.wxai.order.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The public web side: the member page and its sign-in.
 *
 * @param baseUrl        the public origin of the gateway, {@code https://…} in production ({@code WXAI_WEB_BASEURL}):
 *                       the sign-in's {@code redirect_uri}, the only pages {@code /api/jssdk} signs, and whether the
 *                       session cookie is {@code Secure}
 * @param sessionTimeout how long a signed-in session lasts without use ({@code WXAI_WEB_SESSIONTIMEOUT}); sign-in
 *                       inside WeChat is silent, so a short one costs users nothing
 * @param devBridgeUrl   a stand-in {@code WeixinJSBridge} script for desktop browsers (the sandbox's), loaded by the
 *                       member page; empty in production, where WeChat's browser has the real one
 */
@Validated
@ConfigurationProperties("wxai.web")
public record WebProperties(
        @NotBlank(message = "set WXAI_WEB_BASEURL")
        @Pattern(regexp = "https?://[^/?#]+", message = "WXAI_WEB_BASEURL must be an origin such as https://wx.example.com, without a path")
        String baseUrl,
        @NotNull Duration sessionTimeout,
        String devBridgeUrl) {

    public WebProperties {
        devBridgeUrl = devBridgeUrl == null ? "" : devBridgeUrl.strip();
    }

    public boolean secure() {
        return baseUrl.startsWith("https://");
    }

    /** The origin of the stand-in bridge, which the member page's Content-Security-Policy must allow; empty without one. */
    public String devBridgeOrigin() {
        if (devBridgeUrl.isEmpty()) {
            return "";
        }
        URI uri = URI.create(devBridgeUrl);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
