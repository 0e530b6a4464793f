package dev.wxai.ingress.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wxai.common.wechat.MessageCrypto;
import dev.wxai.ingress.config.IngressPropertiesFixture;
import dev.wxai.ingress.config.SafeMode;
import dev.wxai.ingress.config.WechatProperties;
import dev.wxai.testsupport.WechatRequests;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.util.UriComponentsBuilder;

/** {@code wxai.wechat.require-encryption=true}: a safe-mode account takes no plaintext, however well signed. */
class EncryptionRequiredTest {

    private static final String TOKEN = "enc-token";
    private static final String APP_ID = "wxencrypted";
    private static final String AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private static final String OPENID = "oEncryptedUser000000000000";

    private final WechatProperties wechat = new WechatProperties(APP_ID, TOKEN, AES_KEY, "", "push", true);
    private final DeliveryDecoder decoder = new DeliveryDecoder(wechat, IngressPropertiesFixture.defaults(),
            new SafeMode(wechat), Clock.fixed(Instant.now(), ZoneOffset.UTC));

    @Test
    void aSignedPlaintextDeliveryIsRefused() {
        String query = WechatRequests.signedQuery(TOKEN, OPENID);

        assertThatThrownBy(() -> decoder.decode(params(query), WechatRequests.textXml(OPENID, WechatRequests.newMsgId(), "明文")))
                .isInstanceOfSatisfying(RejectedDelivery.class, refused -> {
                    assertThat(refused.status()).isEqualTo(HttpStatus.FORBIDDEN);
                    assertThat(refused.code()).isEqualTo("encryption_required");
                });
    }

    @Test
    void anEncryptedDeliveryIsDecoded() {
        String encrypt = new MessageCrypto(APP_ID, AES_KEY, null).encrypt(WechatRequests.textXml(OPENID, "1234567890", "密文"));

        Delivery delivery = decoder.decode(params(WechatRequests.safeModeQuery(TOKEN, OPENID, encrypt)), WechatRequests.safeModeXml(encrypt));

        assertThat(delivery.encrypted()).isTrue();
        assertThat(delivery.message().openid()).isEqualTo(OPENID);
    }

    private static org.springframework.util.MultiValueMap<String, String> params(String query) {
        var params = new org.springframework.util.LinkedMultiValueMap<String, String>();
        UriComponentsBuilder.fromUriString("/wechat?" + query).build(false).getQueryParams()
                .forEach((name, values) -> values.forEach(value -> params.add(name,
                        java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8))));
        return params;
    }
}
