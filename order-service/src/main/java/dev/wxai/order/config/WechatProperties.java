package dev.wxai.order.config;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The Official Account as the member pages need it: web sign-in ({@code snsapi_base}) and the JS-SDK's ticket.
 *
 * @param appId        the AppID ({@code WXAI_WECHAT_APPID})
 * @param appSecret    the AppSecret, for the sign-in code exchange and the access token; never logged
 * @param apiBaseUrl   {@code https://api.weixin.qq.com} in production ({@code WXAI_WECHAT_APIBASEURL})
 * @param oauthBaseUrl where WeChat's authorize page lives, {@code https://open.weixin.qq.com}
 *                     ({@code WXAI_WECHAT_OAUTHBASEURL}); the sandbox locally
 */
@Validated
@ConfigurationProperties("wxai.wechat")
public record WechatProperties(
        @NotBlank(message = "set WXAI_WECHAT_APPID") String appId,
        @NotBlank(message = "set WXAI_WECHAT_APPSECRET") String appSecret,
        @NotBlank(message = "set WXAI_WECHAT_APIBASEURL") String apiBaseUrl,
        @NotBlank(message = "set WXAI_WECHAT_OAUTHBASEURL") String oauthBaseUrl) {

    @Override
    public String toString() {
        return "WechatProperties[appId=" + appId + ", apiBaseUrl=" + apiBaseUrl + ", oauthBaseUrl=" + oauthBaseUrl + "]";
    }
}
