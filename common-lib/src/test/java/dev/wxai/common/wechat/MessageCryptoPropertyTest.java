package dev.wxai.common.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class MessageCryptoPropertyTest {

    private static final MessageCrypto CRYPTO =
            new MessageCrypto("wx5823bf96d3bd56c7", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", null);

    @Property
    void encryptThenDecryptGivesBackAnyText(@ForAll String text) {
        String wellFormed = text.codePoints().filter(cp -> cp > 0xFFFF || !Character.isSurrogate((char) cp))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();

        assertThat(CRYPTO.decrypt(CRYPTO.encrypt(wellFormed))).isEqualTo(wellFormed);
    }

    @Property
    void anyBase64OfAnyBytesEitherOpensOrIsRefusedCleanly(@ForAll byte[] bytes) {
        String candidate = Base64.getEncoder().encodeToString(bytes);

        assertThatCode(() -> {
            try {
                CRYPTO.decrypt(candidate);
            } catch (MessageCryptoException refused) {
                // the only acceptable failure
            }
        }).doesNotThrowAnyException();
    }

    @Property
    void flippingAnyCharacterOfAValidBodyNeverThrowsAnythingElse(
            @ForAll("validBodies") String body, @ForAll @IntRange(min = 0, max = 10_000) int position,
            @ForAll char replacement) {
        StringBuilder mutated = new StringBuilder(body);
        mutated.setCharAt(position % body.length(), replacement);

        assertThatCode(() -> {
            try {
                CRYPTO.decrypt(mutated.toString());
            } catch (MessageCryptoException refused) {
                // the only acceptable failure
            }
        }).doesNotThrowAnyException();
    }

    @Provide
    Arbitrary<String> validBodies() {
        return Arbitraries.strings().ofMaxLength(200).map(CRYPTO::encrypt);
    }
}
