package dev.wxai.order.security;

import dev.wxai.order.config.AdminProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Checks an operator's bearer token against the SHA-256 hashes in {@code WXAI_ADMIN_TOKENS}. Only hashes are
 * configured: a leaked configuration or environment dump grants nothing. Every configured hash is compared, in
 * constant time, so the answer's timing says nothing about how close a guess was.
 */
@Component
class OperatorTokens implements ReactiveAuthenticationManager {

    private static final Logger log = LoggerFactory.getLogger(OperatorTokens.class);
    private static final Pattern ENTRY = Pattern.compile("([A-Za-z0-9._@-]{1,64}):([0-9a-fA-F]{64})");

    private final List<Entry> entries;

    OperatorTokens(AdminProperties properties) {
        this.entries = parse(properties.tokens());
        if (entries.isEmpty()) {
            log.warn("No operator tokens configured (WXAI_ADMIN_TOKENS): the admin API refuses every request");
        } else {
            log.info("Operator tokens configured for {}", entries.stream().map(Entry::name).toList());
        }
    }

    @Override
    public Mono<Authentication> authenticate(Authentication bearer) {
        return Mono.fromSupplier(() -> operatorFor(String.valueOf(bearer.getCredentials())))
                .flatMap(Mono::justOrEmpty)
                .switchIfEmpty(Mono.error(() -> new BadCredentialsException("unknown operator token")))
                .map(operator -> UsernamePasswordAuthenticationToken.authenticated(operator, null, Roles.OPERATOR_AUTHORITIES));
    }

    Optional<Operator> operatorFor(String token) {
        byte[] presented = sha256(token);
        Entry match = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.hash(), presented)) {
                match = entry;
            }
        }
        return Optional.ofNullable(match).map(entry -> new Operator(entry.name()));
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static List<Entry> parse(List<String> configured) {
        List<Entry> parsed = new ArrayList<>();
        for (int position = 0; position < configured.size(); position++) {
            String entry = configured.get(position).strip();
            if (entry.isEmpty()) {
                continue;
            }
            var matcher = ENTRY.matcher(entry);
            if (!matcher.matches()) {
                // The entry may hold a secret pasted by mistake: name its position, never its text.
                throw new IllegalStateException("WXAI_ADMIN_TOKENS entry " + (position + 1)
                        + " is not name:sha256hex (a name of letters, digits, . _ @ -, a colon, 64 hex digits)");
            }
            parsed.add(new Entry(matcher.group(1), HexFormat.of().parseHex(matcher.group(2).toLowerCase())));
        }
        return List.copyOf(parsed);
    }

    private record Entry(String name, byte[] hash) {
    }
}
