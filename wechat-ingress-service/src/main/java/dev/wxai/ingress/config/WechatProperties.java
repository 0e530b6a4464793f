package dev.wxai.ingress.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The Official Account as the webhook sees it.
 *
 * @param appId          the AppID ({@code WXAI_WECHAT_APPID}); part of every dedupe key, checked inside safe-mode bodies
 * @param token          the Token of the account's server settings ({@code WXAI_WECHAT_TOKEN})
 * @param aesKey         the EncodingAESKey ({@code WXAI_WECHAT_AESKEY}); needed for compatible and safe mode
 * @param previousAesKey the EncodingAESKey before the last rotation ({@code WXAI_WECHAT_PREVIOUSAESKEY}), if any
 * @param replyMode      {@code push} (answer through the customer-service API) or {@code passive}
 * @param requireEncryption refuse plaintext deliveries ({@code WXAI_WECHAT_REQUIREENCRYPTION}): for accounts in safe
 *                       mode, where a plaintext delivery can only be forged or replayed
 */
@Validated
@ConfigurationProperties("wxai.wechat")
public record WechatProperties(
        @NotBlank(message = "set WXAI_WECHAT_APPID to the Official Account's AppID") String appId,
        @NotBlank(message = "set WXAI_WECHAT_TOKEN to the Token of the Official Account's server settings") String token,
        @Pattern(regexp = "|[A-Za-z0-9+/]{43}", message = "WXAI_WECHAT_AESKEY must be the 43-character EncodingAESKey") String aesKey,
        @Pattern(regexp = "|[A-Za-z0-9+/]{43}", message = "WXAI_WECHAT_PREVIOUSAESKEY must be a 43-character EncodingAESKey") String previousAesKey,
        @Pattern(regexp = "push|passive", message = "WXAI_WECHAT_REPLYMODE must be push or passive") String replyMode,
        boolean requireEncryption) {

    public WechatProperties {
        aesKey = aesKey == null ? "" : aesKey;
        previousAesKey = previousAesKey == null ? "" : previousAesKey;
        replyMode = replyMode == null ? "push" : replyMode;
    }

    public boolean passive() {
        return "passive".equals(replyMode);
    }

    @Override
    public String toString() {
        return "WechatProperties[appId=" + appId + ", replyMode=" + replyMode + ", safeMode=" + !aesKey.isEmpty()
                + ", requireEncryption=" + requireEncryption + "]";
    }
}
