package dev.wxai.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The two RSA key pairs WeChat Pay involves, made for a test and written as PEM files: the merchant's (signs our
 * requests, the sandbox verifies) and the platform's (the sandbox signs notifications, the order-service verifies).
 */
public final class PayKeys {

    public final KeyPair merchant = generate();
    public final KeyPair platform = generate();
    public final Path merchantPrivatePem;
    public final Path merchantPublicPem;
    public final Path platformPrivatePem;
    public final Path platformPublicPem;

    public PayKeys(Path directory) {
        try {
            Files.createDirectories(directory);
            merchantPrivatePem = write(directory.resolve("merchant-private.pem"), "PRIVATE KEY", merchant.getPrivate().getEncoded());
            merchantPublicPem = write(directory.resolve("merchant-public.pem"), "PUBLIC KEY", merchant.getPublic().getEncoded());
            platformPrivatePem = write(directory.resolve("wechatpay-private.pem"), "PRIVATE KEY", platform.getPrivate().getEncoded());
            platformPublicPem = write(directory.resolve("wechatpay-public.pem"), "PUBLIC KEY", platform.getPublic().getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path write(Path file, String type, byte[] der) throws IOException {
        String pem = "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        Files.writeString(file, pem);
        return file.toAbsolutePath();
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
