package dev.wxai.sandbox.chat;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * What the chat page ({@code /chat/}) needs to play a WeChat user: where the gateway is, and the secrets WeChat's
 * servers share with the account (the Token signs every delivery, the EncodingAESKey encrypts in safe mode). They
 * must be the ingress's own values, so application.yml reads the same environment variables the ingress does.
 *
 * @param gatewayUrl        where the sandbox delivers the page's messages, as WeChat's servers reach the gateway
 * @param browserGatewayUrl the gateway as the browser reaches it, for the member page the 会员 button opens;
 *                          {@code gatewayUrl} when blank
 *                          (they differ in Docker Compose: a service name inside, a published port outside)
 * @param token             the Token of the account's server settings ({@code WXAI_WECHAT_TOKEN})
 * @param aesKey            the 43-character EncodingAESKey, or blank: safe mode is then not offered
 * @param originalId        the account's original id (gh_…), the {@code ToUserName} of every message
 */
@Validated
@ConfigurationProperties("wxai.sandbox.chat")
public record ChatProperties(
        @NotBlank String gatewayUrl,
        String browserGatewayUrl,
        @NotBlank String token,
        @Pattern(regexp = "|[A-Za-z0-9+/]{43}", message = "must be the 43-character EncodingAESKey or empty") String aesKey,
        @NotBlank String originalId) {

    public ChatProperties {
        gatewayUrl = trimSlash(gatewayUrl);
        browserGatewayUrl = browserGatewayUrl == null || browserGatewayUrl.isBlank() ? gatewayUrl : trimSlash(browserGatewayUrl);
        aesKey = aesKey == null ? "" : aesKey.trim();
    }

    private static String trimSlash(String url) {
        return url == null ? null : url.replaceAll("/+$", "");
    }
}
