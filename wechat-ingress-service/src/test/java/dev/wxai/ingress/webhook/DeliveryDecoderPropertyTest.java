package dev.wxai.ingress.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.wechat.MessageCrypto;
import dev.wxai.ingress.config.IngressPropertiesFixture;
import dev.wxai.ingress.config.SafeMode;
import dev.wxai.ingress.config.WechatProperties;
import dev.wxai.testsupport.WechatRequests;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Whatever arrives, the decoder either returns a delivery or refuses it with a 4xx: no body can make the webhook
 * answer 500, or throw something the web layer does not map.
 */
class DeliveryDecoderPropertyTest {

    private static final String TOKEN = "prop-token";
    private static final String APP_ID = "wxproperty";
    private static final String AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private static final MessageCrypto WECHAT_SIDE = new MessageCrypto(APP_ID, AES_KEY, null);
    private static final String OPENID = "oPropertyUser0000000000000";

    private final WechatProperties wechat = new WechatProperties(APP_ID, TOKEN, AES_KEY, "", "push", false);
    private final DeliveryDecoder decoder = new DeliveryDecoder(wechat, IngressPropertiesFixture.defaults(),
            new SafeMode(wechat), Clock.fixed(Instant.now(), ZoneOffset.UTC));

    @Property
    void anyBodyWithAValidSignatureIsDecodedOrRefusedWithA4xx(@ForAll String body) {
        assertDecodesOrRefusesCleanly(WechatRequests.signedQuery(TOKEN, OPENID), body);
    }

    @Property
    void mutatedPlaintextMessagesAreDecodedOrRefusedWithA4xx(@ForAll("plaintextMessages") String body,
                                                            @ForAll @IntRange(max = 5000) int position,
                                                            @ForAll char replacement) {
        assertDecodesOrRefusesCleanly(WechatRequests.signedQuery(TOKEN, OPENID), mutate(body, position, replacement));
    }

    @Property
    void mutatedSafeModeMessagesAreDecodedOrRefusedWithA4xx(@ForAll("encryptedMessages") String encrypt,
                                                           @ForAll @IntRange(max = 5000) int position,
                                                           @ForAll char replacement) {
        String mutated = mutate(encrypt, position, replacement);
        // Signed over the mutated value, so that decryption (not the signature) is what is exercised.
        assertDecodesOrRefusesCleanly(WechatRequests.safeModeQuery(TOKEN, OPENID, mutated),
                WechatRequests.safeModeXml(mutated));
    }

    @Property
    void anyQueryWithoutTheRightSignatureIsForbidden(@ForAll("queries") String query, @ForAll String body) {
        try {
            decoder.decode(parse(query), body);
            throw new AssertionError("accepted an unsigned request: " + query);
        } catch (RejectedDelivery rejection) {
            assertThat(rejection.status().value()).isIn(400, 403);
        }
    }

    @Provide
    Arbitrary<String> plaintextMessages() {
        return Arbitraries.strings().ofMaxLength(300)
                .map(text -> WechatRequests.textXml(OPENID, WechatRequests.newMsgId(), text.replace("]]>", "")));
    }

    @Provide
    Arbitrary<String> encryptedMessages() {
        return plaintextMessages().map(WECHAT_SIDE::encrypt);
    }

    @Provide
    Arbitrary<String> queries() {
        Arbitrary<String> values = Arbitraries.strings().ofMaxLength(50);
        return Arbitraries.of("signature", "timestamp", "nonce", "openid", "encrypt_type", "msg_signature", "x")
                .list().ofMaxSize(6)
                .flatMap(names -> values.list().ofSize(names.size()).map(vals -> {
                    StringBuilder query = new StringBuilder();
                    for (int i = 0; i < names.size(); i++) {
                        query.append(i == 0 ? "" : "&").append(names.get(i)).append('=')
                                .append(java.net.URLEncoder.encode(vals.get(i), java.nio.charset.StandardCharsets.UTF_8));
                    }
                    return query.toString();
                }));
    }

    private void assertDecodesOrRefusesCleanly(String query, String body) {
        try {
            Delivery delivery = decoder.decode(parse(query), body);
            assertThat(delivery.message().openid()).isEqualTo(OPENID);
        } catch (RejectedDelivery rejection) {
            assertThat(rejection.status().is4xxClientError()).isTrue();
        }
    }

    private static String mutate(String text, int position, char replacement) {
        StringBuilder mutated = new StringBuilder(text);
        mutated.setCharAt(position % text.length(), replacement);
        return mutated.toString();
    }

    private static MultiValueMap<String, String> parse(String query) {
        MultiValueMap<String, String> params = new LinkedMultiValueMap<>();
        UriComponentsBuilder.fromUriString("/wechat?" + query).build(false).getQueryParams()
                .forEach((name, values) -> values.forEach(value -> params.add(name,
                        value == null ? null : java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8))));
        return params;
    }
}
