package dev.wxai.ingress.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The Official Account as the webhook sees it.
 *
 * @param appId     the AppID ({@code WXAI_WECHAT_APPID}); part of every dedupe key
 * @param token     the Token entered in the Official Account's server settings ({@code WXAI_WECHAT_TOKEN})
 * @param replyMode {@code push} (answer through the customer-service API) or {@code passive}
 */
@Validated
@ConfigurationProperties("wxai.wechat")
public record WechatProperties(
        @NotBlank(message = "set WXAI_WECHAT_APPID to the Official Account's AppID") String appId,
        @NotBlank(message = "set WXAI_WECHAT_TOKEN to the Token of the Official Account's server settings") String token,
        @Pattern(regexp = "push|passive", message = "WXAI_WECHAT_REPLYMODE must be push or passive") String replyMode) {

    public WechatProperties {
        replyMode = replyMode == null ? "push" : replyMode;
    }
}
