package dev.wxai.common.redis;

import org.springframework.data.redis.core.script.RedisScript;

/** Lua scripts that make a read-then-write on one key atomic across replicas. */
public final class RedisScripts {

    /**
     * Deletes {@code KEYS[1]} only while it holds {@code ARGV[1]}; returns 1 if it deleted. Used wherever a replica
     * must not remove a value that another replica has meanwhile replaced (a lock, a token, a claim).
     */
    public static final RedisScript<Long> COMPARE_AND_DELETE = RedisScript.of(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
            Long.class);

    private RedisScripts() {
    }
}
