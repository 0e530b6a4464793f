package dev.wxai.loadtool.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.wechat.InboundXml;
import dev.wxai.common.wechat.MessageCrypto;
import dev.wxai.common.wechat.Signatures;
import dev.wxai.loadtool.TestServer;
import dev.wxai.loadtool.run.LoadRequest;
import dev.wxai.loadtool.run.Runs;
import dev.wxai.loadtool.run.Summary;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The messages verify as the ingress verifies them (common-lib's Signatures and MessageCrypto). */
class WechatTrafficTest {

    private static final String TOKEN = "sandbox-token";
    private static final String APP_ID = "wx5823bf96d3bd56c7";
    private static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    @Test
    void plainMessagesAreSignedWithTheToken() {
        WechatTraffic traffic = new WechatTraffic("http://127.0.0.1:8080/wechat", TOKEN, "gh_test", "你好", null);
        for (long index = 0; index < 200; index++) {
            LoadRequest request = traffic.request(index);
            Map<String, String> query = query(request);
            Map<String, String> message = InboundXml.parse(body(request));

            assertThat(request.method()).isEqualTo(HttpMethod.POST);
            assertThat(request.uri()).startsWith("http://127.0.0.1:8080/wechat?");
            assertThat(request.headers()).containsEntry("Content-Type", "text/xml");
            assertThat(Signatures.matches(query.get("signature"), TOKEN, query.get("timestamp"), query.get("nonce"))).isTrue();
            assertThat(query).doesNotContainKeys("encrypt_type", "msg_signature");
            assertThat(message).containsEntry("FromUserName", query.get("openid")).containsEntry("MsgType", "text")
                    .containsEntry("Content", "你好").containsEntry("ToUserName", "gh_test");
            assertThat(Long.parseLong(message.get("MsgId"))).isPositive();
        }
    }

    @Test
    void safeModeBodiesDecryptAndCarryTheirMsgSignature() {
        MessageCrypto crypto = new MessageCrypto(APP_ID, AES_KEY, null);
        WechatTraffic traffic = new WechatTraffic("http://127.0.0.1:8080/wechat", TOKEN, "gh_test", "你好", crypto);
        for (long index = 0; index < 200; index++) {
            LoadRequest request = traffic.request(index);
            Map<String, String> query = query(request);
            Map<String, String> outer = InboundXml.parse(body(request));

            assertThat(query).containsEntry("encrypt_type", "aes");
            assertThat(outer).containsOnlyKeys("ToUserName", "Encrypt");
            assertThat(Signatures.matches(query.get("signature"), TOKEN, query.get("timestamp"), query.get("nonce"))).isTrue();
            assertThat(Signatures.matches(query.get("msg_signature"), TOKEN, query.get("timestamp"), query.get("nonce"),
                    outer.get("Encrypt"))).isTrue();
            Map<String, String> message = InboundXml.parse(crypto.decrypt(outer.get("Encrypt")));
            assertThat(message).containsEntry("FromUserName", query.get("openid")).containsEntry("Content", "你好");
        }
    }

    @Test
    void everyRequestHasItsOwnMsgIdAndOpenidAcrossRuns() {
        Set<String> msgIds = new HashSet<>();
        Set<String> openids = new HashSet<>();
        for (WechatTraffic run : List.of(new WechatTraffic("http://h/wechat", TOKEN, "gh", "x", null),
                new WechatTraffic("http://h/wechat", TOKEN, "gh", "x", null))) {
            for (long index = 0; index < 10_000; index++) {
                Map<String, String> message = InboundXml.parse(body(run.request(index)));
                msgIds.add(message.get("MsgId"));
                openids.add(message.get("FromUserName"));
                assertThat(message.get("FromUserName")).hasSize(28).matches("[A-Za-z0-9_-]+");
            }
        }
        assertThat(msgIds).hasSize(20_000);
        assertThat(openids).hasSize(20_000);
    }

    /**
     * On the wire, through a run: a target that checks what the ingress checks (signature, msg_signature,
     * decryption, openid against FromUserName) and refuses a MsgId or an openid it has seen answers 200 to all.
     */
    @Test
    void aVerifyingTargetAcceptsEveryMessageOfARun() throws Exception {
        MessageCrypto crypto = new MessageCrypto(APP_ID, AES_KEY, null);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (TestServer ingress = TestServer.answering((request, body) -> Mono.fromSupplier(() -> {
            Map<String, String> query = new QueryStringDecoder(request.uri()).parameters().entrySet().stream()
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(0)));
            if (!Signatures.matches(query.get("signature"), TOKEN, query.get("timestamp"), query.get("nonce"))) {
                return TestServer.Answer.refused("invalid_signature");
            }
            Map<String, String> fields = InboundXml.parse(body);
            if ("aes".equals(query.get("encrypt_type"))) {
                if (!Signatures.matches(query.get("msg_signature"), TOKEN, query.get("timestamp"), query.get("nonce"),
                        fields.get("Encrypt"))) {
                    return TestServer.Answer.refused("invalid_msg_signature");
                }
                fields = InboundXml.parse(crypto.decrypt(fields.get("Encrypt")));
            }
            boolean fresh = query.get("openid").equals(fields.get("FromUserName"))
                    && seen.add("msg:" + fields.get("MsgId")) && seen.add("user:" + fields.get("FromUserName"));
            return fresh ? TestServer.Answer.ok() : TestServer.Answer.refused("duplicate");
        }))) {
            for (MessageCrypto mode : new MessageCrypto[] {null, crypto}) {
                Summary summary = Runs.run(Runs.settings(ingress.url("/wechat"), 500, Duration.ofMillis(100),
                        Duration.ofMillis(400), 16), new WechatTraffic(ingress.url("/wechat"), TOKEN, "gh_test", "你好", mode));

                assertThat(summary.statuses()).isEqualTo(Map.of(200, 200L));
            }
        }
    }

    private static Map<String, String> query(LoadRequest request) {
        Map<String, String> query = new java.util.HashMap<>();
        new QueryStringDecoder(request.uri()).parameters().forEach((name, values) -> query.put(name, values.get(0)));
        return query;
    }

    private static String body(LoadRequest request) {
        return new String(request.body(), StandardCharsets.UTF_8);
    }
}
