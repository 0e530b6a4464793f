package dev.wxai.sandbox.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.sandbox.SandboxProperties;
import dev.wxai.sandbox.control.Faults;
import dev.wxai.sandbox.control.Recorder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The fake WeChat API answers like the real one: HTTP 200 with an errcode, for every kind of mistake. */
class WechatApiControllerTest {

    private final SandboxProperties properties =
            new SandboxProperties("wxapp", "secret", "sk", Duration.ZERO, Duration.ofSeconds(7200), null, List.of());
    private final AccessTokens tokens = new AccessTokens(properties);
    private final Faults faults = new Faults();
    private final Recorder recorder = new Recorder();
    private final WebTestClient client = WebTestClient
            .bindToController(new WechatApiController(properties, tokens, faults, recorder))
            .build();

    @Test
    void stableTokenChecksTheCredentials() {
        stableToken("wxapp", "secret").jsonPath("$.access_token").isNotEmpty().jsonPath("$.expires_in").isEqualTo(7200);
        stableToken("wxother", "secret").jsonPath("$.errcode").isEqualTo(40013);
        stableToken("wxapp", "wrong").jsonPath("$.errcode").isEqualTo(40125);
    }

    @Test
    void customSendRefusesUnknownTokensAndPlaysScriptedFaults() {
        String token = tokens.mint().accessToken();
        customSend("nope").jsonPath("$.errcode").isEqualTo(40001);
        customSend(token).jsonPath("$.errcode").isEqualTo(0).jsonPath("$.errmsg").isEqualTo("ok");

        faults.queue("custom-send", 45015, 1);
        customSend(token).jsonPath("$.errcode").isEqualTo(45015);
        customSend(token).jsonPath("$.errcode").isEqualTo(0);
    }

    @Test
    void aJsapiTicketNeedsAValidTokenAndAKnownTypeAndEveryIssueIsCounted() {
        String token = tokens.mint().accessToken();
        ticket("nope", "jsapi").jsonPath("$.errcode").isEqualTo(40001).jsonPath("$.ticket").doesNotExist();
        ticket(token, "jsapi_ticket").jsonPath("$.errcode").isEqualTo(40097);
        assertThat(recorder.stats(null)).containsEntry("jsapiTickets", 0);

        ticket(token, "jsapi")
                .jsonPath("$.errcode").isEqualTo(0)
                .jsonPath("$.errmsg").isEqualTo("ok")
                .jsonPath("$.ticket").value(String.class, ticket -> assertThat(ticket).hasSizeGreaterThan(40))
                .jsonPath("$.expires_in").isEqualTo(7200);
        ticket(token, "wx_card").jsonPath("$.errcode").isEqualTo(0);

        assertThat(recorder.stats(null)).containsEntry("jsapiTickets", 2);
    }

    @Test
    void aQueuedTicketFaultFailsOneTicketCall() {
        String token = tokens.mint().accessToken();
        faults.queue("ticket", -1, 1);

        ticket(token, "jsapi").jsonPath("$.errcode").isEqualTo(-1);
        ticket(token, "jsapi").jsonPath("$.errcode").isEqualTo(0);
        assertThat(recorder.stats(null)).containsEntry("jsapiTickets", 1);
    }

    private WebTestClient.BodyContentSpec ticket(String token, String type) {
        return client.get().uri("/cgi-bin/ticket/getticket?access_token={token}&type={type}", token, type)
                .exchange().expectStatus().isOk().expectBody();
    }

    private WebTestClient.BodyContentSpec stableToken(String appid, String secret) {
        return client.post().uri("/cgi-bin/stable_token").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("grant_type", "client_credential", "appid", appid, "secret", secret))
                .exchange().expectStatus().isOk().expectBody();
    }

    private WebTestClient.BodyContentSpec customSend(String token) {
        return client.post().uri("/cgi-bin/message/custom/send?access_token=" + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("touser", "oUser", "msgtype", "text", "text", Map.of("content", "hi")))
                .exchange().expectStatus().isOk().expectBody();
    }
}
