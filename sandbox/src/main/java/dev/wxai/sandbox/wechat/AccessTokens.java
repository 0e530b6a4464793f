package dev.wxai.sandbox.wechat;

import dev.wxai.sandbox.SandboxProperties;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Issues and checks access tokens the way WeChat does: {@code /cgi-bin/token} mints a new token on every call
 * and the previous one keeps working for five more minutes; {@code stable_token} in normal mode returns the
 * current token with its remaining life until it expires.
 */
@Component
public class AccessTokens {

    static final Duration OLD_TOKEN_GRACE = Duration.ofMinutes(5);

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> validUntil = new ConcurrentHashMap<>();
    private final Duration lifetime;
    private final Clock clock;
    private volatile String current;

    AccessTokens(SandboxProperties properties) {
        this.lifetime = properties.tokenLifetime();
        this.clock = Clock.systemUTC();
    }

    public synchronized Issued mint() {
        Instant now = clock.instant();
        if (current != null) {
            validUntil.computeIfPresent(current, (token, until) -> min(until, now.plus(OLD_TOKEN_GRACE)));
        }
        current = "SANDBOX_" + HexFormat.of().formatHex(random.generateSeed(24));
        validUntil.put(current, now.plus(lifetime));
        return new Issued(current, lifetime.toSeconds());
    }

    public synchronized Issued stable(boolean forceRefresh) {
        Instant now = clock.instant();
        if (forceRefresh || current == null || !isValid(current)) {
            return mint();
        }
        return new Issued(current, Duration.between(now, validUntil.get(current)).toSeconds());
    }

    public boolean isValid(String token) {
        Instant until = token == null ? null : validUntil.get(token);
        return until != null && clock.instant().isBefore(until);
    }

    /** Makes every token invalid at once, as a reset of the AppSecret does. */
    public synchronized void revokeAll() {
        validUntil.clear();
        current = null;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    public record Issued(String accessToken, long expiresIn) {
    }
}
