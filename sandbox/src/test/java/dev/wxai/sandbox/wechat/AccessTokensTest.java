package dev.wxai.sandbox.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.sandbox.SandboxProperties;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessTokensTest {

    private final AccessTokens tokens = new AccessTokens(
            new SandboxProperties("wxapp", "secret", "sk", Duration.ZERO, Duration.ofSeconds(7200), null, List.of()));

    @Test
    void stableTokenIsTheSameUntilItExpiresOrIsForced() {
        AccessTokens.Issued first = tokens.stable(false);
        AccessTokens.Issued again = tokens.stable(false);
        AccessTokens.Issued forced = tokens.stable(true);

        assertThat(again.accessToken()).isEqualTo(first.accessToken());
        assertThat(again.expiresIn()).isBetween(7190L, 7200L);
        assertThat(forced.accessToken()).isNotEqualTo(first.accessToken());
    }

    @Test
    void aNewTokenLeavesTheOldOneValidForAGracePeriod() {
        String old = tokens.mint().accessToken();
        String current = tokens.mint().accessToken();

        assertThat(tokens.isValid(old)).isTrue();
        assertThat(tokens.isValid(current)).isTrue();
        assertThat(tokens.isValid("SANDBOX_made_up")).isFalse();
        assertThat(tokens.isValid(null)).isFalse();
    }

    @Test
    void revokingInvalidatesEveryToken() {
        String token = tokens.mint().accessToken();
        tokens.revokeAll();

        assertThat(tokens.isValid(token)).isFalse();
        assertThat(tokens.stable(false).accessToken()).isNotEqualTo(token);
    }
}
