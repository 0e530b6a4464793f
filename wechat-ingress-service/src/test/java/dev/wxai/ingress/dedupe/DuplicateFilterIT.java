package dev.wxai.ingress.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.redis.Keys;
import dev.wxai.ingress.config.IngressPropertiesFixture;
import dev.wxai.ingress.dedupe.DuplicateFilter.Claim;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.WechatRequests;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class DuplicateFilterIT {

    private static final String APP_ID = "wxdedupeit";

    private final ReactiveStringRedisTemplate redis = TestRedis.template();
    private final DuplicateFilter replicaA = new DuplicateFilter(redis, IngressPropertiesFixture.defaults());
    private final DuplicateFilter replicaB = new DuplicateFilter(redis, IngressPropertiesFixture.defaults());

    @Test
    void exactlyOneOfManyConcurrentDeliveriesIsFirst() {
        String msgId = WechatRequests.newMsgId();

        List<Claim> outcomes = Flux.range(0, 50)
                .flatMap(i -> (i % 2 == 0 ? replicaA : replicaB).claim(APP_ID, msgId))
                .collectList().block(Duration.ofSeconds(10));

        assertThat(outcomes).filteredOn(d -> d == Claim.FIRST).hasSize(1);
        assertThat(outcomes).filteredOn(d -> d == Claim.IN_PROGRESS).hasSize(49);
    }

    @Test
    void aRetryAfterThePublishIsKnownAsPublished() {
        String msgId = WechatRequests.newMsgId();
        StepVerifier.create(replicaA.claim(APP_ID, msgId)).expectNext(Claim.FIRST).verifyComplete();
        StepVerifier.create(replicaA.markPublished(APP_ID, msgId)).verifyComplete();

        StepVerifier.create(replicaB.claim(APP_ID, msgId)).expectNext(Claim.ALREADY_PUBLISHED).verifyComplete();
    }

    @Test
    void aReleasedClaimLetsTheNextDeliveryPublish() {
        String msgId = WechatRequests.newMsgId();
        StepVerifier.create(replicaA.claim(APP_ID, msgId)).expectNext(Claim.FIRST).verifyComplete();
        StepVerifier.create(replicaA.release(APP_ID, msgId)).verifyComplete();

        StepVerifier.create(replicaB.claim(APP_ID, msgId)).expectNext(Claim.FIRST).verifyComplete();
    }

    @Test
    void releaseNeverDropsAPublishedMark() {
        String msgId = WechatRequests.newMsgId();
        replicaA.claim(APP_ID, msgId).block();
        replicaA.markPublished(APP_ID, msgId).block();

        replicaB.release(APP_ID, msgId).block();

        StepVerifier.create(replicaB.claim(APP_ID, msgId)).expectNext(Claim.ALREADY_PUBLISHED).verifyComplete();
    }

    @Test
    void keysOutliveWechatsRetryWindow() {
        String msgId = WechatRequests.newMsgId();
        replicaA.claim(APP_ID, msgId).block();

        StepVerifier.create(redis.getExpire(Keys.dedupe(APP_ID, msgId)))
                .assertNext(ttl -> assertThat(ttl).isGreaterThan(Duration.ofSeconds(60)))
                .verifyComplete();
    }
}
