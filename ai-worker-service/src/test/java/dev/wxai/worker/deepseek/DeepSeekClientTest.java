package dev.wxai.worker.deepseek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeepSeekClientTest {

    private static final String COMPLETION = """
            {"id":"930c60df","object":"chat.completion","created":1732867202,"model":"deepseek-chat",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help?"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":16,"completion_tokens":10,"total_tokens":26}}""";

    @Test
    void readsTheAssistantContent() {
        assertThat(content(COMPLETION)).isEqualTo("Hello! How can I help?");
    }

    @Test
    void skipsKeepAliveLinesBeforeTheJson() {
        assertThat(content("\n\n: keep-alive\n\n" + COMPLETION)).isEqualTo("Hello! How can I help?");
    }

    @Test
    void refusesAnAnswerWithoutContent() {
        assertThatThrownBy(() -> content("{\"choices\":[]}")).isInstanceOf(DeepSeekException.class);
        assertThatThrownBy(() -> content("\n\n")).isInstanceOf(DeepSeekException.class);
        assertThatThrownBy(() -> content("{\"choices\":")).isInstanceOf(DeepSeekException.class);
    }

    @Test
    void readsAnAnswerInUtf8() {
        String chinese = COMPLETION.replace("Hello! How can I help?", "你好！有什么可以帮你？{}");
        assertThat(content("\n" + chinese)).isEqualTo("你好！有什么可以帮你？{}");
    }

    @Test
    void pseudonymIsStablePerUserAndHidesTheOpenid() {
        String openid = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
        assertThat(DeepSeekClient.pseudonym(openid))
                .isEqualTo(DeepSeekClient.pseudonym(openid))
                .isNotEqualTo(DeepSeekClient.pseudonym(openid + "x"))
                .doesNotContain(openid)
                .hasSize(32);
    }

    private static String content(String body) {
        return DeepSeekClient.content(body.getBytes(StandardCharsets.UTF_8));
    }
}
