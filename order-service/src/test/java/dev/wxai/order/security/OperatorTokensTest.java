package dev.wxai.order.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wxai.order.config.AdminProperties;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import reactor.test.StepVerifier;

class OperatorTokensTest {

    private static String hash(String token) {
        return HexFormat.of().formatHex(OperatorTokens.sha256(token));
    }

    @Test
    void aTokenWhoseHashIsConfiguredNamesItsOperator() {
        OperatorTokens tokens = new OperatorTokens(new AdminProperties(List.of("alice:" + hash("a-secret"), " bob:" + hash("b-secret").toUpperCase())));

        assertThat(tokens.operatorFor("a-secret")).contains(new Operator("alice"));
        assertThat(tokens.operatorFor("b-secret")).contains(new Operator("bob"));
        assertThat(tokens.operatorFor("c-secret")).isEmpty();
        assertThat(tokens.operatorFor(hash("a-secret"))).isEmpty();
    }

    @Test
    void noConfiguredTokensRefuseEveryone() {
        OperatorTokens tokens = new OperatorTokens(new AdminProperties(List.of()));

        StepVerifier.create(tokens.authenticate(UsernamePasswordAuthenticationToken.unauthenticated("operator", "anything")))
                .expectError(BadCredentialsException.class)
                .verify();
    }

    @Test
    void aMalformedEntryStopsStartUpWithoutEchoingIt() {
        assertThatThrownBy(() -> new OperatorTokens(new AdminProperties(List.of("alice:" + hash("x"), "plain-secret-token"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("WXAI_ADMIN_TOKENS entry 2")
                .hasMessageNotContaining("plain-secret-token");
    }
}
