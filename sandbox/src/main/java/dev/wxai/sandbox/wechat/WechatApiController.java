package dev.wxai.sandbox.wechat;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.wxai.sandbox.SandboxProperties;
import dev.wxai.sandbox.control.Faults;
import dev.wxai.sandbox.control.Recorder;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The parts of {@code api.weixin.qq.com} we call. Like WeChat, every answer is HTTP 200 and errors are a
 * non-zero {@code errcode} in the body.
 */
@RestController
class WechatApiController {

    private static final Set<String> TICKET_TYPES = Set.of("jsapi", "wx_card");
    private static final long TICKET_LIFETIME_SECONDS = 7200;

    private final SecureRandom random = new SecureRandom();
    private final SandboxProperties properties;
    private final AccessTokens tokens;
    private final Faults faults;
    private final Recorder recorder;

    WechatApiController(SandboxProperties properties, AccessTokens tokens, Faults faults, Recorder recorder) {
        this.properties = properties;
        this.tokens = tokens;
        this.faults = faults;
        this.recorder = recorder;
    }

    @GetMapping("/cgi-bin/token")
    Map<String, Object> token(@RequestParam("grant_type") String grantType, @RequestParam String appid,
                              @RequestParam String secret) {
        return credentialError(grantType, appid, secret)
                .or(() -> faults.next("token").map(WechatApiController::error))
                .orElseGet(() -> issued(tokens.mint()));
    }

    @PostMapping("/cgi-bin/stable_token")
    Map<String, Object> stableToken(@RequestBody StableTokenRequest request) {
        return credentialError(request.grantType(), request.appid(), request.secret())
                .or(() -> faults.next("stable-token").map(WechatApiController::error))
                .orElseGet(() -> issued(tokens.stable(Boolean.TRUE.equals(request.forceRefresh()))));
    }

    /**
     * A customer-service message. Fault {@code custom-send-hold} (its code in seconds) is the moment no sender can see
     * into: WeChat has taken the message (the user has it) and its answer is still on the way; a test kills the sender
     * then.
     */
    @PostMapping("/cgi-bin/message/custom/send")
    Mono<Map<String, Object>> customSend(@RequestParam("access_token") String accessToken,
                                         @RequestBody CustomSendRequest request) {
        Map<String, Object> answer = tokenError(accessToken)
                .or(() -> faults.next("custom-send").map(WechatApiController::error))
                .or(() -> invalid(request))
                .orElseGet(() -> error(0));
        recorder.customMessage(new Recorder.CustomMessage(request.touser(), request.msgtype(),
                request.text() == null ? null : request.text().content(), (Integer) answer.get("errcode"),
                Instant.now()));
        Optional<Integer> hold = Integer.valueOf(0).equals(answer.get("errcode")) ? faults.next("custom-send-hold") : Optional.empty();
        return hold.map(seconds -> Mono.just(answer).delayElement(Duration.ofSeconds(seconds))).orElseGet(() -> Mono.just(answer));
    }

    /**
     * The JS-SDK's jsapi_ticket (and the card ticket, {@code type=wx_card}), guarded by the access token like every
     * {@code cgi-bin} call. Every call is counted ({@code jsapiTickets} in {@code /sandbox/stats}): WeChat limits them
     * per day, so the services must fetch one and share it until it expires.
     * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/JS-SDK.html
     */
    @GetMapping("/cgi-bin/ticket/getticket")
    Map<String, Object> ticket(@RequestParam(name = "access_token", required = false) String accessToken,
                               @RequestParam(required = false) String type) {
        return tokenError(accessToken)
                .or(() -> faults.next("ticket").map(WechatApiController::error))
                .or(() -> TICKET_TYPES.contains(type) ? Optional.empty() : Optional.of(error(40097)))
                .orElseGet(this::issueTicket);
    }

    /** Typing as WeChat takes it: {@code {touser, command: Typing|CancelTyping}}; anything else is 40001-style refused. */
    @PostMapping("/cgi-bin/message/custom/typing")
    Map<String, Object> typing(@RequestParam("access_token") String accessToken, @RequestBody Map<String, Object> body) {
        Object command = body.get("command");
        return tokenError(accessToken)
                .or(() -> body.get("touser") instanceof String && ("Typing".equals(command) || "CancelTyping".equals(command))
                        ? Optional.empty() : Optional.of(error(40003)))
                .orElseGet(() -> {
                    recorder.typing(new Recorder.Typing((String) body.get("touser"), (String) command, Instant.now()));
                    return error(0);
                });
    }

    /**
     * The custom menu, checked as WeChat checks it: 1–3 buttons, each with 1–5 sub-buttons or a type; {@code view}
     * needs an http(s) {@code url}, {@code click} a {@code key}; names at most 16 bytes (top) or 60 bytes (sub).
     * https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Creating_Custom-Defined_Menu.html
     */
    @PostMapping("/cgi-bin/menu/create")
    Map<String, Object> createMenu(@RequestParam(name = "access_token", required = false) String accessToken,
                                   @RequestBody Map<String, Object> body) {
        return tokenError(accessToken)
                .or(() -> MenuRules.problem(body).map(WechatApiController::error))
                .orElseGet(() -> {
                    recorder.menu(body);
                    return error(0);
                });
    }

    private Optional<Map<String, Object>> credentialError(String grantType, String appid, String secret) {
        if (!"client_credential".equals(grantType)) {
            return Optional.of(error(40002));
        }
        if (!properties.appId().equals(appid)) {
            return Optional.of(error(40013));
        }
        if (!properties.appSecret().equals(secret)) {
            return Optional.of(error(40125));
        }
        recorder.tokenFetched();
        return Optional.empty();
    }

    private Optional<Map<String, Object>> tokenError(String accessToken) {
        return tokens.isValid(accessToken) ? Optional.empty() : Optional.of(error(40001));
    }

    private static Optional<Map<String, Object>> invalid(CustomSendRequest request) {
        if (request.touser() == null || request.touser().isBlank()) {
            return Optional.of(error(40003));
        }
        if (!"text".equals(request.msgtype()) || request.text() == null || request.text().content() == null) {
            return Optional.of(error(40008));
        }
        return Optional.empty();
    }

    private Map<String, Object> issueTicket() {
        byte[] bytes = new byte[64];
        random.nextBytes(bytes);
        recorder.jsapiTicketIssued();
        Map<String, Object> ticket = new LinkedHashMap<>();
        ticket.put("errcode", 0);
        ticket.put("errmsg", "ok");
        ticket.put("ticket", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        ticket.put("expires_in", TICKET_LIFETIME_SECONDS);
        return ticket;
    }

    private static Map<String, Object> issued(AccessTokens.Issued issued) {
        return Map.of("access_token", issued.accessToken(), "expires_in", issued.expiresIn());
    }

    /** errmsg texts as WeChat words them, with the request id WeChat appends. */
    static Map<String, Object> error(int errcode) {
        String errmsg = switch (errcode) {
            case 0 -> "ok";
            case -1 -> "system error";
            case 40001 -> "invalid credential, access_token is invalid or not latest";
            case 40002 -> "invalid grant_type";
            case 40003 -> "invalid openid";
            case 40008 -> "invalid message type";
            case 40013 -> "invalid appid";
            case 40016 -> "invalid button size";
            case 40017 -> "invalid sub button size";
            case 40018 -> "invalid button name size";
            case 40019 -> "invalid button key size";
            case 40023 -> "invalid sub button name size";
            case 40054 -> "invalid sub button type";
            case 40055 -> "invalid button url domain";
            case 40014 -> "invalid access_token";
            case 40029 -> "invalid code";
            case 40097 -> "invalid args";
            case 40125 -> "invalid appsecret";
            case 40163 -> "code been used";
            case 41002 -> "appid missing";
            case 41004 -> "appsecret missing";
            case 41008 -> "missing code";
            case 42001 -> "access_token expired";
            case 45015 -> "response out of time limit or subscription is canceled";
            case 45047 -> "out of response count limit";
            default -> "sandbox fault " + errcode;
        };
        return Map.of("errcode", errcode, "errmsg", errcode == 0 ? errmsg : errmsg + " rid: sandbox-" + System.nanoTime());
    }

    record StableTokenRequest(@JsonProperty("grant_type") String grantType, String appid, String secret,
                              @JsonProperty("force_refresh") Boolean forceRefresh) {
    }

    record CustomSendRequest(String touser, String msgtype, Text text) {
    }

    record Text(String content) {
    }
}
