package dev.wxai.order.entitlement;

import dev.wxai.order.security.WechatUser;
import java.time.Clock;
import java.time.Instant;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /api/me}: the signed-in user's own membership, from MySQL's record. */
@RestController
class MeController {

    private final EntitlementLedger memberships;
    private final Clock clock;

    MeController(EntitlementLedger memberships, Clock clock) {
        this.memberships = memberships;
        this.clock = clock;
    }

    @GetMapping("/api/me")
    Mono<Me> me(@AuthenticationPrincipal WechatUser user) {
        return memberships.membershipEnd(user.openid())
                .map(until -> new Me(user.openid(), until, until.isAfter(clock.instant())))
                .defaultIfEmpty(new Me(user.openid(), null, false));
    }

    /** @param membershipUntil when the membership ends, also after it has; null when the user never had one */
    record Me(String openid, Instant membershipUntil, boolean active) {
    }
}
