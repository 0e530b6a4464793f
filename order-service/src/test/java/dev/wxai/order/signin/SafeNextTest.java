package dev.wxai.order.signin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SafeNextTest {

    @ParameterizedTest
    @ValueSource(strings = {"/shop/", "/shop", "/shop/?from=menu", "/shop/orders", "/shop?x=1"})
    void ourMemberPagesAreKept(String next) {
        assertThat(SafeNext.of(next)).isEqualTo(next);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"https://evil.example/", "http://evil.example/shop/", "//evil.example/shop/", "/\\evil.example",
            "\\\\evil.example", "/shop/\r\nSet-Cookie: x=1", "javascript:alert(1)", "shop/", "/admin/stats", "/api/me",
            "/shopping", "/shop/#frag", " /shop/"})
    void anythingElseFallsBackToTheMemberPage(String next) {
        assertThat(SafeNext.of(next)).isEqualTo("/shop/");
    }
}
