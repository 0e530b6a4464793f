package dev.wxai.common.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class MessageCryptoTest {

    private static JsonNode decryptVector;
    private static JsonNode encryptVector;

    @BeforeAll
    static void loadOfficialVectors() throws IOException {
        try (InputStream in = MessageCryptoTest.class.getResourceAsStream("/wechat-official-account.json")) {
            JsonNode vectors = JsonMapper.builder().build().readTree(in);
            decryptVector = vectors.get("safe_mode_decrypt");
            encryptVector = vectors.get("safe_mode_encrypt");
        }
    }

    private static MessageCrypto decryptVectorCrypto(String previousKey) {
        return new MessageCrypto(decryptVector.get("app_id").asString(),
                decryptVector.get("encoding_aes_key").asString(), previousKey);
    }

    @Test
    void decryptsTheOfficialSample() {
        assertThat(decryptVectorCrypto(null).decrypt(decryptVector.get("encrypt").asString()))
                .isEqualTo(decryptVector.get("plaintext_xml").asString());
    }

    @Test
    void encryptsLikeTheOfficialSample() {
        MessageCrypto crypto = new MessageCrypto(encryptVector.get("app_id").asString(),
                encryptVector.get("encoding_aes_key").asString(), null);

        String encrypted = crypto.encrypt(encryptVector.get("plaintext").asString(),
                encryptVector.get("random_16").asString().getBytes(StandardCharsets.US_ASCII));

        assertThat(encrypted).isEqualTo(encryptVector.get("encrypt").asString());
        assertThat(crypto.decrypt(encrypted)).isEqualTo(encryptVector.get("plaintext").asString());
    }

    @Test
    void theOfficialSampleUsesThirtyTwoByteBlockPadding() {
        byte[] cipherText = Base64.getDecoder().decode(decryptVector.get("encrypt").asString());
        assertThat(cipherText.length % 32).isZero();
    }

    @Test
    void decryptsWithThePreviousKeyAfterARotation() {
        String newKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        MessageCrypto rotated = decryptVectorCrypto(null);
        MessageCrypto afterRotation = new MessageCrypto(decryptVector.get("app_id").asString(), newKey,
                decryptVector.get("encoding_aes_key").asString());

        assertThat(afterRotation.decrypt(decryptVector.get("encrypt").asString()))
                .isEqualTo(rotated.decrypt(decryptVector.get("encrypt").asString()));
    }

    @Test
    void refusesTheWrongKeyWithoutAFallback() {
        MessageCrypto other = new MessageCrypto(decryptVector.get("app_id").asString(),
                "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", null);

        assertThatThrownBy(() -> other.decrypt(decryptVector.get("encrypt").asString()))
                .isInstanceOf(MessageCryptoException.class);
    }

    @Test
    void refusesAMessageForAnotherAppid() {
        MessageCrypto otherApp = new MessageCrypto("wx0000000000000000",
                decryptVector.get("encoding_aes_key").asString(), null);

        assertThatThrownBy(() -> otherApp.decrypt(decryptVector.get("encrypt").asString()))
                .isInstanceOf(MessageCryptoException.class)
                .hasMessageContaining("appid");
    }

    @Test
    void refusesBadBase64AndImpossibleLengths() {
        MessageCrypto crypto = decryptVectorCrypto(null);
        assertThatThrownBy(() -> crypto.decrypt("not*base64")).hasMessageContaining("base64");
        assertThatThrownBy(() -> crypto.decrypt("AAAA")).hasMessageContaining("length");
        assertThatThrownBy(() -> crypto.decrypt("")).isInstanceOf(MessageCryptoException.class);
    }

    @Test
    void refusesAKeyOfTheWrongShape() {
        assertThatThrownBy(() -> new MessageCrypto("wx1", "short", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("43");
    }
}
