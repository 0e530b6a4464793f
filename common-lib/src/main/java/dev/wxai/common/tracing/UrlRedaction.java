package dev.wxai.common.tracing;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;

/**
 * Spans must not carry secrets or personal data, and the URLs we call and serve do: the access token in every
 * WeChat API call ({@code ?access_token=}), the openid and signatures on every webhook request. Every URL-valued
 * tag loses its query string before a span is exported or a meter is tagged.
 */
public final class UrlRedaction implements ObservationFilter {

    @Override
    public Observation.Context map(Observation.Context context) {
        for (KeyValue keyValue : context.getHighCardinalityKeyValues()) {
            String redacted = withoutQuery(keyValue.getValue());
            if (!redacted.equals(keyValue.getValue())) {
                context.addHighCardinalityKeyValue(KeyValue.of(keyValue.getKey(), redacted));
            }
        }
        for (KeyValue keyValue : context.getLowCardinalityKeyValues()) {
            String redacted = withoutQuery(keyValue.getValue());
            if (!redacted.equals(keyValue.getValue())) {
                context.addLowCardinalityKeyValue(KeyValue.of(keyValue.getKey(), redacted));
            }
        }
        return context;
    }

    /** {@code https://host/path?access_token=…} → {@code https://host/path?…}; other values unchanged. */
    static String withoutQuery(String value) {
        if (value == null) {
            return "";
        }
        int query = value.indexOf('?');
        boolean urlLike = value.startsWith("/") || value.startsWith("http://") || value.startsWith("https://");
        return urlLike && query >= 0 && query < value.length() - 1 ? value.substring(0, query) + "?…" : value;
    }
}
