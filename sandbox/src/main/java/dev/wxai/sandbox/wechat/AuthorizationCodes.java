package dev.wxai.sandbox.wechat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The codes web authorization hands a page's {@code redirect_uri}: each names the WeChat user who signed in, is good
 * for one exchange and expires after five minutes unexchanged.
 * https://developers.weixin.qq.com/doc/offiaccount/OA_Web_Apps/Wechat_webpage_authorization.html
 */
@Component
class AuthorizationCodes {

    static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Clock clock;

    AuthorizationCodes() {
        this(Clock.systemUTC());
    }

    AuthorizationCodes(Clock clock) {
        this.clock = clock;
    }

    String issue(String openid, String appid, String scope) {
        Instant now = clock.instant();
        // Expired codes are forgotten: exchanging one then gets "invalid code", which is what WeChat says of them too.
        grants.values().removeIf(grant -> expired(grant, now));
        String code = randomText(32);
        grants.put(code, new Grant(openid, appid, scope, now, false));
        return code;
    }

    /** Exchanges a code once: of two exchanges racing, one gets the grant and the other {@link Outcome#USED}. */
    Redemption redeem(String code, String appid) {
        Grant grant = code == null ? null : grants.get(code);
        if (grant == null || !grant.appid().equals(appid) || expired(grant, clock.instant())) {
            return new Redemption(Outcome.INVALID, null);
        }
        // The map's compare-and-set is the lock: only one exchange replaces the unused grant with the used one.
        if (grant.used() || !grants.replace(code, grant, grant.spent())) {
            return new Redemption(Outcome.USED, null);
        }
        return new Redemption(Outcome.EXCHANGED, grant);
    }

    private static boolean expired(Grant grant, Instant now) {
        return !now.isBefore(grant.issuedAt().plus(LIFETIME));
    }

    String randomText(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return text.toString();
    }

    /** Who signed in, for which account and scope, and when. */
    record Grant(String openid, String appid, String scope, Instant issuedAt, boolean used) {

        Grant spent() {
            return new Grant(openid, appid, scope, issuedAt, true);
        }
    }

    enum Outcome { EXCHANGED, INVALID, USED }

    /** @param grant the code's grant when {@code EXCHANGED} */
    record Redemption(Outcome outcome, Grant grant) {
    }
}
