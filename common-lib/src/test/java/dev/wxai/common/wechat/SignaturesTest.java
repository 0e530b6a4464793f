package dev.wxai.common.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SignaturesTest {

    private static JsonNode vectors;

    @BeforeAll
    static void loadOfficialVectors() throws IOException {
        try (InputStream in = SignaturesTest.class.getResourceAsStream("/wechat-official-account.json")) {
            vectors = JsonMapper.builder().build().readTree(in);
        }
    }

    @Test
    void urlSignatureMatchesTheOfficialExample() {
        JsonNode v = vectors.get("url_signature");
        assertThat(Signatures.sign(v.get("token").asString(), v.get("timestamp").asString(), v.get("nonce").asString()))
                .isEqualTo(v.get("signature").asString());
    }

    @Test
    void msgSignatureCoversTheEncryptedBody() {
        JsonNode v = vectors.get("safe_mode_decrypt");
        assertThat(Signatures.sign(v.get("token").asString(), v.get("timestamp").asString(),
                v.get("nonce").asString(), v.get("encrypt").asString()))
                .isEqualTo(v.get("msg_signature").asString());
    }

    @Test
    void acceptsTheRightSignatureInEitherCase() {
        JsonNode v = vectors.get("url_signature");
        String signature = v.get("signature").asString().toUpperCase();
        assertThat(Signatures.matches(signature, "AAAAA", "1714036504", "1514711492")).isTrue();
    }

    @Test
    void refusesAWrongTokenTimestampOrMissingSignature() {
        String signature = vectors.get("url_signature").get("signature").asString();
        assertThat(Signatures.matches(signature, "BBBBB", "1714036504", "1514711492")).isFalse();
        assertThat(Signatures.matches(signature, "AAAAA", "1714036505", "1514711492")).isFalse();
        assertThat(Signatures.matches(null, "AAAAA", "1714036504", "1514711492")).isFalse();
        assertThat(Signatures.matches(signature, "AAAAA", null, "1514711492")).isFalse();
    }
}
