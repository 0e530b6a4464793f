package dev.wxai.sandbox;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The credentials the sandbox expects, like the real services would: a request with another app secret or API
 * key is refused the way WeChat or DeepSeek refuse it.
 *
 * @param appId          the Official Account's appid ({@code WXAI_SANDBOX_APPID})
 * @param appSecret      its secret
 * @param deepseekApiKey the DeepSeek key the sandbox accepts
 * @param modelLatency   how long the model "thinks" before answering, unless changed at run time
 * @param tokenLifetime  the {@code expires_in} of access tokens it issues
 * @param pay            the merchant account it plays WeChat Pay for
 * @param oauthDomains   the account's web authorization callback domains ({@code WXAI_SANDBOX_OAUTHDOMAINS},
 *                       comma-separated {@code host} or {@code host:port}): a {@code redirect_uri} on another host is
 *                       refused with 10003, as WeChat does; empty accepts any host
 */
@Validated
@ConfigurationProperties("wxai.sandbox")
public record SandboxProperties(
        @NotBlank String appId,
        @NotBlank String appSecret,
        @NotBlank String deepseekApiKey,
        Duration modelLatency,
        Duration tokenLifetime,
        Pay pay,
        List<@Pattern(regexp = "[A-Za-z0-9.-]+(:[0-9]{1,5})?",
                message = "WXAI_SANDBOX_OAUTHDOMAINS lists host or host:port, without scheme or path") String> oauthDomains) {

    public SandboxProperties {
        modelLatency = modelLatency == null ? Duration.ofMillis(200) : modelLatency;
        tokenLifetime = tokenLifetime == null ? Duration.ofSeconds(7200) : tokenLifetime;
        // Host names are case-insensitive; a list is copied so that no caller can change it afterwards.
        oauthDomains = oauthDomains == null ? List.of()
                : oauthDomains.stream().map(String::trim).filter(domain -> !domain.isEmpty())
                        .map(domain -> domain.toLowerCase(Locale.ROOT)).toList();
    }

    /**
     * @param mchId              the merchant the sandbox accepts requests from
     * @param apiV3Key           seals notification resources
     * @param merchantPublicKey  PEM path: verifies the merchant's request signatures and JSAPI {@code paySign}s
     * @param platformPrivateKey PEM path: signs notifications as WeChat Pay
     * @param publicKeyId        the id notifications carry in Wechatpay-Serial
     */
    public record Pay(String mchId, String apiV3Key, String merchantPublicKey, String platformPrivateKey,
                      String publicKeyId) {
    }
}
