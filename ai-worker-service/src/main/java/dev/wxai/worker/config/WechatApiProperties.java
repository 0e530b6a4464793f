package dev.wxai.worker.config;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The Official Account as the worker sees it: the credentials that buy an access token and where the API is.
 *
 * @param appId      {@code WXAI_WECHAT_APPID}
 * @param appSecret  {@code WXAI_WECHAT_APPSECRET}; never logged
 * @param apiBaseUrl {@code WXAI_WECHAT_APIBASEURL}: {@code https://api.weixin.qq.com} in production, the sandbox locally
 */
@Validated
@ConfigurationProperties("wxai.wechat")
public record WechatApiProperties(
        @NotBlank(message = "set WXAI_WECHAT_APPID to the Official Account's AppID") String appId,
        @NotBlank(message = "set WXAI_WECHAT_APPSECRET to the Official Account's AppSecret") String appSecret,
        @NotBlank(message = "set WXAI_WECHAT_APIBASEURL to the WeChat API base URL") String apiBaseUrl) {

    @Override
    public String toString() {
        return "WechatApiProperties[appId=" + appId + ", apiBaseUrl=" + apiBaseUrl + "]";
    }
}
