package dev.wxai.ingress.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.redis.Keys;
import dev.wxai.ingress.admission.DeliveryGate.Admission;
import dev.wxai.ingress.admission.DeliveryGate.Publish;
import dev.wxai.ingress.admission.DeliveryGate.Verdict;
import dev.wxai.ingress.config.IngressPropertiesFixture;
import dev.wxai.testsupport.TestRedis;
import dev.wxai.testsupport.WechatRequests;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The admission script against the real Redis, two replicas sharing it; time moves only when a test moves it. */
class DeliveryGateIT {

    private static final String APP_ID = "wxgateit";

    private final ReactiveStringRedisTemplate redis = TestRedis.template();
    private final AtomicLong now = new AtomicLong(Instant.parse("2026-12-06T08:00:00Z").toEpochMilli());
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };
    private final DeliveryGate replicaA = new DeliveryGate(redis, IngressPropertiesFixture.defaults(), clock);
    private final DeliveryGate replicaB = new DeliveryGate(redis, IngressPropertiesFixture.defaults(), clock);

    @Test
    void exactlyOneOfManyConcurrentDeliveriesIsFirst() {
        String msgId = WechatRequests.newMsgId();
        String openid = WechatRequests.newOpenid();
        String signature = signature();

        List<Verdict> outcomes = Flux.range(0, 50)
                .flatMap(i -> (i % 2 == 0 ? replicaA : replicaB).admit(APP_ID, signature, "body", openid, msgId).map(Admission::verdict))
                .collectList().block(Duration.ofSeconds(10));

        assertThat(outcomes).filteredOn(d -> d == Verdict.FIRST).hasSize(1);
        assertThat(outcomes).filteredOn(d -> d == Verdict.IN_PROGRESS).hasSize(49);
    }

    @Test
    void aRetryAfterThePublishIsKnownAsPublishedAndCostsNoRate() {
        String msgId = WechatRequests.newMsgId();
        String openid = WechatRequests.newOpenid();
        admit(replicaA, openid, msgId, Verdict.FIRST);
        StepVerifier.create(replicaA.markPublished(APP_ID, msgId)).verifyComplete();

        for (int retry = 0; retry < 10; retry++) {
            admit(replicaB, openid, msgId, Verdict.ALREADY_PUBLISHED);
        }
        // The retries took no credit: the user still has the rest of the burst.
        for (int i = 0; i < 4; i++) {
            admit(replicaA, openid, WechatRequests.newMsgId(), Verdict.FIRST);
        }
    }

    @Test
    void aReleasedClaimLetsTheNextDeliveryPublish() {
        String msgId = WechatRequests.newMsgId();
        String openid = WechatRequests.newOpenid();
        admit(replicaA, openid, msgId, Verdict.FIRST);
        StepVerifier.create(replicaA.release(APP_ID, msgId)).verifyComplete();

        admit(replicaB, openid, msgId, Verdict.FIRST);
    }

    @Test
    void eachDeliveryOfAMessageIsCountedAndAReleasedOneIsClaimedAgainWithoutRateCredit() {
        String msgId = WechatRequests.newMsgId();
        String openid = WechatRequests.newOpenid();
        StepVerifier.create(replicaA.admit(APP_ID, signature(), "body", openid, msgId))
                .expectNext(new Admission(Verdict.FIRST, 1)).verifyComplete();
        StepVerifier.create(replicaB.admit(APP_ID, signature(), "body", openid, msgId))
                .expectNext(new Admission(Verdict.IN_PROGRESS, 2)).verifyComplete();
        // The first delivery could not publish: the third claims the message again, without spending rate credit.
        replicaA.release(APP_ID, msgId).block();
        StepVerifier.create(replicaB.admit(APP_ID, signature(), "body", openid, msgId))
                .expectNext(new Admission(Verdict.FIRST, 3)).verifyComplete();
        for (int i = 0; i < 4; i++) {
            admit(replicaA, openid, WechatRequests.newMsgId(), Verdict.FIRST);
        }
        // Events and media are not counted.
        StepVerifier.create(replicaA.admit(APP_ID, signature(), "event", WechatRequests.newOpenid(), null))
                .expectNext(new Admission(Verdict.FIRST, 0)).verifyComplete();
    }

    @Test
    void aDeliveryWaitingForAnEarlierOneSeesItsOutcomeOrTakesOverItsReleasedClaim() {
        String msgId = WechatRequests.newMsgId();
        admit(replicaA, WechatRequests.newOpenid(), msgId, Verdict.FIRST);
        StepVerifier.create(replicaB.publishState(APP_ID, msgId)).expectNext(Publish.PENDING).verifyComplete();

        replicaA.release(APP_ID, msgId).block();
        StepVerifier.create(replicaB.publishState(APP_ID, msgId)).expectNext(Publish.CLAIMED).verifyComplete();
        // Claimed means pending again, for everyone else.
        StepVerifier.create(replicaA.publishState(APP_ID, msgId)).expectNext(Publish.PENDING).verifyComplete();

        replicaB.markPublished(APP_ID, msgId).block();
        StepVerifier.create(replicaA.publishState(APP_ID, msgId)).expectNext(Publish.PUBLISHED).verifyComplete();
    }

    @Test
    void releaseNeverDropsAPublishedMark() {
        String msgId = WechatRequests.newMsgId();
        String openid = WechatRequests.newOpenid();
        admit(replicaA, openid, msgId, Verdict.FIRST);
        replicaA.markPublished(APP_ID, msgId).block();

        replicaB.release(APP_ID, msgId).block();

        admit(replicaB, openid, msgId, Verdict.ALREADY_PUBLISHED);
    }

    @Test
    void aUserGetsTheBurstThenOneMessageAPerRefillInterval() {
        String openid = WechatRequests.newOpenid();
        for (int i = 0; i < 5; i++) {
            admit(replicaA, openid, WechatRequests.newMsgId(), Verdict.FIRST);
        }
        String throttled = WechatRequests.newMsgId();
        admit(replicaB, openid, throttled, Verdict.THROTTLED);
        // Nothing was kept of the throttled message: it is no duplicate later.
        assertThat(redis.hasKey(Keys.dedupe(APP_ID, throttled)).block()).isFalse();
        // Another user is not affected.
        admit(replicaB, WechatRequests.newOpenid(), WechatRequests.newMsgId(), Verdict.FIRST);

        now.addAndGet(999);
        admit(replicaA, openid, WechatRequests.newMsgId(), Verdict.THROTTLED);
        now.addAndGet(1);
        admit(replicaA, openid, WechatRequests.newMsgId(), Verdict.FIRST);
        admit(replicaA, openid, WechatRequests.newMsgId(), Verdict.THROTTLED);
        // A long silence refills the burst, not more.
        now.addAndGet(Duration.ofHours(1).toMillis());
        for (int i = 0; i < 5; i++) {
            admit(replicaA, openid, WechatRequests.newMsgId(), Verdict.FIRST);
        }
        admit(replicaA, openid, WechatRequests.newMsgId(), Verdict.THROTTLED);
    }

    @Test
    void aSignedQueryCarriesOneBodyOnly() {
        String openid = WechatRequests.newOpenid();
        String signature = signature();
        String msgId = WechatRequests.newMsgId();

        StepVerifier.create(replicaA.admit(APP_ID, signature, "first body", openid, msgId).map(Admission::verdict)).expectNext(Verdict.FIRST).verifyComplete();
        StepVerifier.create(replicaB.admit(APP_ID, signature, "another body", openid, WechatRequests.newMsgId()).map(Admission::verdict))
                .expectNext(Verdict.REPLAYED).verifyComplete();
        StepVerifier.create(replicaB.admit(APP_ID, signature, "first body", openid, msgId).map(Admission::verdict))
                .expectNext(Verdict.IN_PROGRESS).verifyComplete();
        StepVerifier.create(redis.getExpire(Keys.replay(APP_ID, signature)))
                .assertNext(ttl -> assertThat(ttl).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10)))
                .verifyComplete();
    }

    @Test
    void keysOutliveWechatsRetryWindow() {
        String msgId = WechatRequests.newMsgId();
        admit(replicaA, WechatRequests.newOpenid(), msgId, Verdict.FIRST);

        StepVerifier.create(redis.getExpire(Keys.dedupe(APP_ID, msgId)))
                .assertNext(ttl -> assertThat(ttl).isGreaterThan(Duration.ofSeconds(60)))
                .verifyComplete();
    }

    private static void admit(DeliveryGate gate, String openid, String msgId, Verdict expected) {
        StepVerifier.create(gate.admit(APP_ID, signature(), "body " + msgId, openid, msgId).map(Admission::verdict))
                .expectNext(expected).verifyComplete();
    }

    private static String signature() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
