package dev.wxai.common.redis;

/** Every Redis key the services share, in one place, so that no two services spell one differently. */
public final class Keys {

    private static final String PREFIX = "wxai:";

    private Keys() {
    }

    /** WeChat delivery already seen: MsgId for messages, FromUserName+CreateTime+Event+EventKey for events. */
    public static String dedupe(String appId, String deliveryKey) {
        return PREFIX + "dedupe:" + appId + ":" + deliveryKey;
    }

    /** The first body seen with a signed webhook query (its signature), so that the query cannot carry another. */
    public static String replay(String appId, String signature) {
        return PREFIX + "replay:" + appId + ":" + signature;
    }

    /** A WeChat user's message rate bucket, kept by the ingress after it verified the delivery. */
    public static String userRate(String appId, String openid) {
        return PREFIX + "rate:" + appId + ":" + openid;
    }

    public static String accessToken(String appId) {
        return PREFIX + "token:" + appId;
    }

    public static String accessTokenLock(String appId) {
        return PREFIX + "token:" + appId + ":lock";
    }

    public static String session(String openid) {
        return PREFIX + "session:" + openid;
    }

    public static String answer(String msgId) {
        return PREFIX + "answer:" + msgId;
    }

    /** Pub/sub channel on which the worker announces, by msgId, that {@link #answer} holds a passive-mode answer. */
    public static final String ANSWERS_CHANNEL = PREFIX + "answers";

    /** How many times WeChat has delivered one message (passive mode waits differently on the last delivery). */
    public static String deliveries(String appId, String deliveryKey) {
        return dedupe(appId, deliveryKey) + ":deliveries";
    }

    /** The msgId whose answer a passive-mode user is still owed: their next message collects it. */
    public static String pending(String openid) {
        return PREFIX + "pending:" + openid;
    }

    public static String delivered(String msgId) {
        return PREFIX + "delivered:" + msgId;
    }

    /** The account's model calls of one day, against the workers' daily budget. */
    public static String modelCalls(String appId, String yyyyMMdd) {
        return PREFIX + "model-calls:" + appId + ":" + yyyyMMdd;
    }

    public static String quota(String openid, String yyyyMMdd) {
        return PREFIX + "quota:" + openid + ":" + yyyyMMdd;
    }

    /** Running totals for {@code GET /api/stats}: messages accepted by the ingress, replies sent by the workers. */
    public static final String STATS_MESSAGES = PREFIX + "stats:messages";
    public static final String STATS_REPLIES = PREFIX + "stats:replies";

    /**
     * The workers' cache of a user's entitlement as MySQL records it: {@code <revision>:<membership end, epoch ms, 0
     * for none>}. A miss is filled from the order-service; a lower revision never overwrites a higher one.
     */
    public static String entitlement(String openid) {
        return PREFIX + "entitlement:" + openid;
    }

    /** The JS-SDK's jsapi_ticket, shared by every order-service replica like the access token. */
    public static String jsapiTicket(String appId) {
        return PREFIX + "jsapi-ticket:" + appId;
    }

    public static String jsapiTicketLock(String appId) {
        return PREFIX + "jsapi-ticket:" + appId + ":lock";
    }

    /** Spring Session's namespace for the member pages' sign-in sessions ({@code spring.session.data.redis.namespace}). */
    public static final String WEB_SESSIONS = PREFIX + "web-session";
}
