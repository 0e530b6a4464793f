package dev.wxai.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.common.redis.Keys;
import dev.wxai.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Production's Redis users ({@code k8s/redis/users.acl}) on a real redis-server: what each service may not do. What
 * each may do is proven by the stack tests, whose services run as these users and fail on any refusal (see
 * {@link Stack#close()}).
 */
class RedisUsersIT {

    private static final String APP = "wxapp";
    private static final String OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M";
    /** Spring Cloud Gateway's token bucket: the keys the gateway's rate limiter passes to its script. */
    private static final String BUCKET = "local tokens = redis.call('get', KEYS[1]) "
            + "redis.call('setex', KEYS[1], 60, 1) redis.call('setex', KEYS[2], 60, redis.call('TIME')[1]) return 1";

    private static RedisServer redis;

    @BeforeAll
    static void startRedisWithProductionUsers() {
        redis = Stack.redisWithUsers();
        redis.command("SET", Keys.accessToken(APP), "ACCESS_TOKEN");
        redis.command("SET", Keys.entitlement(OPENID), "3:0");
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void theGatewayReachesItsRateLimitBucketsAndNothingElse() {
        assertThat(redis.commandAs("wxai-gateway", "EVAL", BUCKET, "2",
                "request_rate_limiter.{1.2.3.4}.tokens", "request_rate_limiter.{1.2.3.4}.timestamp"))
                .isEqualTo("(integer) 1");

        assertThat(redis.commandAs("wxai-gateway", "GET", Keys.accessToken(APP))).contains("NOPERM");
        assertThat(redis.commandAs("wxai-gateway", "SET", Keys.entitlement(OPENID), "9:9999999999999"))
                .contains("NOPERM");
        assertThat(redis.commandAs("wxai-gateway", "SET", Keys.dedupe(APP, "1"), "x")).contains("NOPERM");
        // A script is no way around the key patterns: what it touches is checked as well.
        assertThat(redis.commandAs("wxai-gateway", "EVAL", "return redis.call('get', KEYS[1])", "1",
                Keys.accessToken(APP))).contains("NOPERM");
        assertThat(redis.command("GET", Keys.entitlement(OPENID))).isEqualTo("\"3:0\"");
    }

    @Test
    void noServiceMayListEmptyOrReconfigureRedis() {
        for (String user : new String[] {"wxai-gateway", "wxai-ingress", "wxai-worker", "wxai-order"}) {
            assertThat(redis.commandAs(user, "KEYS", "*")).as(user).contains("NOPERM");
            assertThat(redis.commandAs(user, "FLUSHALL")).as(user).contains("NOPERM");
            assertThat(redis.commandAs(user, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru")).as(user)
                    .contains("NOPERM");
            assertThat(redis.commandAs(user, "SCRIPT", "FLUSH")).as(user).contains("NOPERM");
            assertThat(redis.commandAs(user, "CLIENT", "KILL", "TYPE", "normal")).as(user).contains("NOPERM");
            assertThat(redis.commandAs(user, "ACL", "SETUSER", user, "+@all")).as(user).contains("NOPERM");
        }
        assertThat(redis.command("DBSIZE")).isEqualTo("(integer) 2");
    }

    @Test
    void theIngressCannotReadTokensConversationsOrWriteAnswersAndEntitlements() {
        assertThat(redis.commandAs("wxai-ingress", "GET", Keys.accessToken(APP))).contains("NOPERM");
        // It forgets a conversation when a user resets it, but may not read one.
        assertThat(redis.commandAs("wxai-ingress", "DEL", Keys.session(OPENID))).isEqualTo("(integer) 0");
        assertThat(redis.commandAs("wxai-ingress", "LRANGE", Keys.session(OPENID), "0", "-1")).contains("NOPERM");
        // It reads passive-mode answers; only the worker writes them.
        assertThat(redis.commandAs("wxai-ingress", "GET", Keys.answer("1"))).isEqualTo("(nil)");
        assertThat(redis.commandAs("wxai-ingress", "SET", Keys.answer("1"), "forged")).contains("NOPERM");
        assertThat(redis.commandAs("wxai-ingress", "SET", Keys.entitlement(OPENID), "9:1")).contains("NOPERM");
        assertThat(redis.commandAs("wxai-ingress", "PUBLISH", Keys.ANSWERS_CHANNEL, "1")).contains("NOPERM");
    }

    @Test
    void theWorkerCannotTouchTheEdgesStateOrSignInSessions() {
        assertThat(redis.commandAs("wxai-worker", "GET", Keys.accessToken(APP))).isEqualTo("\"ACCESS_TOKEN\"");
        assertThat(redis.commandAs("wxai-worker", "DEL", Keys.dedupe(APP, "1"))).contains("NOPERM");
        assertThat(redis.commandAs("wxai-worker", "GET", Keys.answer("1"))).contains("NOPERM");
        assertThat(redis.commandAs("wxai-worker", "HGETALL", Keys.WEB_SESSIONS + ":sessions:1")).contains("NOPERM");
        assertThat(redis.commandAs("wxai-worker", "GET", Keys.jsapiTicket(APP))).contains("NOPERM");
    }

    @Test
    void theOrderServiceCannotWriteTheWorkersCachesOrReadConversations() {
        assertThat(redis.commandAs("wxai-order", "GET", Keys.accessToken(APP))).isEqualTo("\"ACCESS_TOKEN\"");
        assertThat(redis.commandAs("wxai-order", "SET", Keys.entitlement(OPENID), "9:1")).contains("NOPERM");
        assertThat(redis.commandAs("wxai-order", "LRANGE", Keys.session(OPENID), "0", "-1")).contains("NOPERM");
        assertThat(redis.commandAs("wxai-order", "INCR", Keys.STATS_MESSAGES)).contains("NOPERM");
        assertThat(redis.commandAs("wxai-order", "GET", Keys.STATS_MESSAGES)).isEqualTo("(nil)");
    }

    @Test
    void nobodyGetsInWithoutAUser() {
        assertThat(redis.commandAs("default", "PING")).containsAnyOf("WRONGPASS", "NOAUTH", "AUTH");
        assertThat(redis.commandAs("wxai-gateway", "PING")).isEqualTo("PONG");
    }
}
