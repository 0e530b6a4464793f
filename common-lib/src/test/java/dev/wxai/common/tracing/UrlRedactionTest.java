package dev.wxai.common.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import org.junit.jupiter.api.Test;

class UrlRedactionTest {

    @Test
    void queryStringsLeaveUrlTagsAndNothingElseChanges() {
        Observation.Context context = new Observation.Context();
        context.addHighCardinalityKeyValue(KeyValue.of("http.url",
                "https://api.weixin.qq.com/cgi-bin/message/custom/send?access_token=SECRET"));
        context.addHighCardinalityKeyValue(KeyValue.of("http.uri", "/wechat?signature=s&openid=oUser"));
        context.addLowCardinalityKeyValue(KeyValue.of("uri", "/wechat?openid=oUser"));
        context.addLowCardinalityKeyValue(KeyValue.of("method", "POST"));
        context.addHighCardinalityKeyValue(KeyValue.of("note", "what? no"));

        new UrlRedaction().map(context);

        assertThat(context.getHighCardinalityKeyValue("http.url").getValue())
                .isEqualTo("https://api.weixin.qq.com/cgi-bin/message/custom/send?…").doesNotContain("SECRET");
        assertThat(context.getHighCardinalityKeyValue("http.uri").getValue()).isEqualTo("/wechat?…");
        assertThat(context.getLowCardinalityKeyValue("uri").getValue()).isEqualTo("/wechat?…");
        assertThat(context.getLowCardinalityKeyValue("method").getValue()).isEqualTo("POST");
        assertThat(context.getHighCardinalityKeyValue("note").getValue()).isEqualTo("what? no");
    }
}
