package dev.wxai.common.event;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON for Kafka event values. Unknown fields are ignored so that producers can add fields before every
 * consumer knows them; a missing or unknown {@code v} is the consumer's to refuse.
 */
public final class EventJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private EventJson() {
    }

    public static String write(Object event) {
        return MAPPER.writeValueAsString(event);
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JacksonException e) {
            throw new MalformedEventException(type.getSimpleName() + " is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
