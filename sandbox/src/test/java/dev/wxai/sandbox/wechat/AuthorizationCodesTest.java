package dev.wxai.sandbox.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AuthorizationCodesTest {

    private final MovableClock clock = new MovableClock();
    private final AuthorizationCodes codes = new AuthorizationCodes(clock);

    @Test
    void aCodeExchangedConcurrentlyIsExchangedOnce() throws Exception {
        String code = codes.issue("oSandboxUser123456", "wxapp", "snsapi_base");
        int exchanges = 32;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(exchanges);
        try {
            Callable<AuthorizationCodes.Outcome> redeem = () -> {
                start.await();
                return codes.redeem(code, "wxapp").outcome();
            };
            List<Future<AuthorizationCodes.Outcome>> outcomes = IntStream.range(0, exchanges)
                    .mapToObj(i -> pool.submit(redeem)).toList();
            start.countDown();

            List<AuthorizationCodes.Outcome> results = new java.util.ArrayList<>();
            for (Future<AuthorizationCodes.Outcome> outcome : outcomes) {
                results.add(outcome.get());
            }
            assertThat(results).filteredOn(AuthorizationCodes.Outcome.EXCHANGED::equals).hasSize(1);
            assertThat(results).filteredOn(AuthorizationCodes.Outcome.USED::equals).hasSize(exchanges - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCodeNamesItsUserAndScopeAndIsGoodForFiveMinutes() {
        String code = codes.issue("oSandboxUser123456", "wxapp", "snsapi_userinfo");
        String late = codes.issue("oSandboxUser654321", "wxapp", "snsapi_base");
        assertThat(code).matches("[A-Za-z0-9]{32}").isNotEqualTo(late);

        clock.advance(AuthorizationCodes.LIFETIME.minusSeconds(1));
        AuthorizationCodes.Redemption redeemed = codes.redeem(code, "wxapp");
        assertThat(redeemed.outcome()).isEqualTo(AuthorizationCodes.Outcome.EXCHANGED);
        assertThat(redeemed.grant().openid()).isEqualTo("oSandboxUser123456");
        assertThat(redeemed.grant().scope()).isEqualTo("snsapi_userinfo");

        clock.advance(Duration.ofSeconds(1));
        assertThat(codes.redeem(late, "wxapp").outcome()).isEqualTo(AuthorizationCodes.Outcome.INVALID);
    }

    @Test
    void aCodeIsOnlyGoodForTheAccountItWasIssuedFor() {
        String code = codes.issue("oSandboxUser123456", "wxapp", "snsapi_base");

        assertThat(codes.redeem(code, "wxother").outcome()).isEqualTo(AuthorizationCodes.Outcome.INVALID);
        assertThat(codes.redeem("madeUp", "wxapp").outcome()).isEqualTo(AuthorizationCodes.Outcome.INVALID);
        assertThat(codes.redeem(null, "wxapp").outcome()).isEqualTo(AuthorizationCodes.Outcome.INVALID);
        assertThat(codes.redeem(code, "wxapp").outcome()).isEqualTo(AuthorizationCodes.Outcome.EXCHANGED);
    }
}
