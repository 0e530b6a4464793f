package dev.wxai.loadtool.run;

/**
 * What a run sends: the request with a given sequence number. Called on the scheduler's thread only, at the
 * request's intended start, so it should take microseconds.
 */
@FunctionalInterface
public interface Traffic {

    LoadRequest request(long index);
}
