package dev.wxai.order.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The merchant account on WeChat Pay API v3.
 *
 * @param mchId              {@code WXAI_PAY_MCHID}
 * @param appId              the AppID payments are made for ({@code WXAI_PAY_APPID})
 * @param apiV3Key           the 32-character APIv3 key that seals notification resources; never logged
 * @param merchantSerial     the serial number of the merchant API certificate
 * @param merchantPrivateKey path of the merchant private key (PKCS#8 PEM) that signs our requests
 * @param publicKeyId        the WeChat Pay public key's id ({@code PUB_KEY_ID_…}) notifications name in Wechatpay-Serial
 * @param publicKey          path of the WeChat Pay public key (PEM) that verifies notifications
 * @param baseUrl            {@code https://api.mch.weixin.qq.com} in production, the sandbox locally
 * @param notifyUrl          where WeChat Pay sends notifications: the gateway's {@code /pay/notify}, public, https
 * @param platformCertificates PEM paths of WeChat Pay platform certificates, for notifications signed by a
 *                           certificate (merchants not yet moved to the public key); empty when unused
 */
@Validated
@ConfigurationProperties("wxai.pay")
public record PayProperties(
        @NotBlank(message = "set WXAI_PAY_MCHID") String mchId,
        @NotBlank(message = "set WXAI_PAY_APPID") String appId,
        @NotBlank(message = "set WXAI_PAY_APIV3KEY") @Size(min = 32, max = 32, message = "WXAI_PAY_APIV3KEY must be 32 characters") String apiV3Key,
        @NotBlank(message = "set WXAI_PAY_MERCHANTSERIAL") String merchantSerial,
        @NotBlank(message = "set WXAI_PAY_MERCHANTPRIVATEKEY to the merchant private key's PEM file") String merchantPrivateKey,
        @NotBlank(message = "set WXAI_PAY_PUBLICKEYID") String publicKeyId,
        @NotBlank(message = "set WXAI_PAY_PUBLICKEY to the WeChat Pay public key's PEM file") String publicKey,
        @NotBlank(message = "set WXAI_PAY_BASEURL") String baseUrl,
        @NotBlank(message = "set WXAI_PAY_NOTIFYURL") String notifyUrl,
        List<String> platformCertificates) {

    public PayProperties {
        platformCertificates = platformCertificates == null ? List.of() : List.copyOf(platformCertificates);
    }

    @Override
    public String toString() {
        return "PayProperties[mchId=" + mchId + ", appId=" + appId + ", baseUrl=" + baseUrl + "]";
    }
}
