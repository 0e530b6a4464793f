package dev.wxai.loadtool.run;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Map;

/**
 * One request of a run.
 *
 * @param uri     absolute, with its query
 * @param headers sent as they are (besides Host, Content-Length and the client's defaults)
 * @param body    null for none
 */
public record LoadRequest(HttpMethod method, String uri, Map<String, String> headers, byte[] body) {

    public static LoadRequest get(String uri) {
        return new LoadRequest(HttpMethod.GET, uri, Map.of(), null);
    }
}
