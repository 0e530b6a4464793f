package dev.wxai.common.redis;

/** No token could be had in time: the refresher failed or held the lock too long. */
public class AccessTokenUnavailableException extends RuntimeException {

    public AccessTokenUnavailableException(String message) {
        super(message);
    }
}
