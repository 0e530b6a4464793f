package dev.wxai.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.wechat.InboundXml;
import dev.wxai.common.wechat.MessageCrypto;
import dev.wxai.testsupport.SandboxClient;
import dev.wxai.testsupport.WechatRequests;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An unverified subscription account: no customer-service API, so the answer must ride back on WeChat's own
 * delivery, encrypted in safe mode. Through the gateway, with the real worker producing the answer.
 */
class PassiveModeIT {

    private static final String AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Stack stack;
    private static SandboxClient sandbox;
    private static MessageCrypto wechatSide;

    @BeforeAll
    static void startEveryService() {
        stack = new Stack("wxai_e2e_passive", Map.of(
                "wxai.wechat.reply-mode", "passive",
                "wxai.wechat.aes-key", AES_KEY));
        sandbox = new SandboxClient(stack.sandbox());
        wechatSide = new MessageCrypto(stack.appId, AES_KEY, null);
    }

    @AfterAll
    static void stopEveryService() {
        stack.close();
    }

    @Test
    void safeModeMessageGetsTheModelsAnswerAsAnEncryptedPassiveReply() throws Exception {
        String openid = WechatRequests.newOpenid();
        String question = "被动回复模式 " + UUID.randomUUID();
        String encrypt = wechatSide.encrypt(WechatRequests.textXml(openid, WechatRequests.newMsgId(), question));

        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.gateway() + "/wechat?"
                        + WechatRequests.safeModeQuery(Stack.TOKEN, openid, encrypt)))
                .header("Content-Type", "text/xml")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(WechatRequests.safeModeXml(encrypt)))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, String> reply = InboundXml.parse(wechatSide.decrypt(InboundXml.parse(response.body()).get("Encrypt")));
        assertThat(reply).containsEntry("ToUserName", openid).containsEntry("MsgType", "text");
        assertThat(reply.get("Content")).isEqualTo(sandbox.modelAnswerTo(question));
        assertThat(sandbox.received(openid).path("customMessages")).as("passive mode never calls the customer-service API")
                .isEmpty();
    }
}
