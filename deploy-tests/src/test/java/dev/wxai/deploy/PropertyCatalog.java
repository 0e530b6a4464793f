package dev.wxai.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepository;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;

/**
 * Which environment variables a service really reads, by Spring Boot's relaxed binding
 * ({@code WXAI_DEEPSEEK_BASEURL} → {@code wxai.deepseek.base-url}: upper case, {@code _} for {@code .}, dashes dropped).
 *
 * <p>A variable binds for a service when it names, in that form:
 * <ol>
 *   <li>a key of the service's own application.yml, or a variable its placeholders read directly
 *       ({@code ${WXAI_WECHAT_APPID:…}});</li>
 *   <li>a property in the service's own configuration metadata (its {@code @ConfigurationProperties}, written by
 *       spring-boot-configuration-processor into its jar);</li>
 *   <li>a property in any other metadata on the classpath (Spring Boot, Spring Cloud, resilience4j) that the service
 *       reads: generic ones every Boot service has ({@code server.*}, {@code management.*}, …), or one of a family
 *       its application.yml already configures ({@code spring.kafka.*} only for services that use Kafka).</li>
 * </ol>
 * The metadata of all services shares this test's classpath, so rule 2 attributes each metadata file to its module by
 * where it was loaded from: {@code <module>/target/…} in the reactor, {@code …/dev/wxai/<module>/…} from a repository.
 */
final class PropertyCatalog {

    private static final List<String> GENERIC_PREFIXES = List.of("server.", "management.", "logging.",
            "spring.application.", "spring.lifecycle.", "spring.main.", "spring.threads.", "spring.profiles.");
    private static final List<String> METADATA_FILES = List.of("META-INF/spring-configuration-metadata.json",
            "META-INF/additional-spring-configuration-metadata.json");

    private static final PropertyCatalog INSTANCE = load();

    /** Properties of the services' own metadata, by module. */
    private final Map<String, List<Property>> own;
    /** Properties of every other metadata file on the classpath. */
    private final List<Property> others;

    private PropertyCatalog(Map<String, List<Property>> own, List<Property> others) {
        this.own = own;
        this.others = others;
    }

    static PropertyCatalog get() {
        return INSTANCE;
    }

    record Property(String name, String type) {

        boolean isMap() {
            return type != null && type.startsWith("java.util.Map<");
        }
    }

    /** The properties the module's own configuration metadata declares (empty when the processor did not run). */
    List<Property> ownProperties(String module) {
        return own.getOrDefault(module, List.of());
    }

    /** Null when the variable binds to a property the module reads; otherwise why not. */
    String whyNotBound(String module, String variable) {
        ServiceModule service = ServiceModule.of(module);
        String candidate = variable.toLowerCase(Locale.ROOT).replace('_', '.');
        if (service.placeholders().contains(variable)) {
            return null;
        }
        for (String key : service.properties().keySet()) {
            if (canonical(key).equals(candidate)) {
                return null;
            }
        }
        for (Property property : ownProperties(module)) {
            if (binds(property, candidate)) {
                return null;
            }
        }
        Set<String> families = families(service);
        for (Property property : others) {
            if (binds(property, candidate)
                    && (GENERIC_PREFIXES.stream().anyMatch(property.name()::startsWith)
                        || families.contains(family(property.name())))) {
                return null;
            }
        }
        return variable + " (" + candidate + ") is neither in " + module + "/application.yml nor in the "
                + "configuration metadata of what " + module + " reads";
    }

    private static boolean binds(Property property, String candidate) {
        String name = canonical(property.name());
        return name.equals(candidate) || property.isMap() && candidate.startsWith(name + ".");
    }

    /** Spring's canonical form without dashes, list and map indexes as segments: a.b-c[0] -> a.bc.0. */
    static String canonical(String key) {
        return key.toLowerCase(Locale.ROOT).replace("-", "").replace("[", ".").replace("]", "");
    }

    /** spring.kafka.consumer.group-id -> spring.kafka; spring.data.redis.url -> spring.data.redis. */
    static String family(String name) {
        String[] segments = name.split("\\.");
        boolean deep = segments.length > 2 && segments[0].equals("spring")
                && (segments[1].equals("data") || segments[1].equals("cloud"));
        int length = Math.min(segments.length, deep ? 3 : 2);
        return String.join(".", Arrays.copyOf(segments, length));
    }

    private static Set<String> families(ServiceModule service) {
        Set<String> families = new HashSet<>();
        for (String key : service.properties().keySet()) {
            families.add(family(key.replaceAll("\\[.*$", "")));
        }
        return families;
    }

    private static PropertyCatalog load() {
        Map<String, List<Property>> own = new HashMap<>();
        List<Property> others = new ArrayList<>();
        ClassLoader classLoader = PropertyCatalog.class.getClassLoader();
        try {
            for (String file : METADATA_FILES) {
                for (URL url : Collections.list(resources(classLoader, file))) {
                    String module = owner(url.toString());
                    List<Property> properties = read(url, module != null);
                    if (module != null) {
                        own.computeIfAbsent(module, key -> new ArrayList<>()).addAll(properties);
                    } else {
                        others.addAll(properties);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PropertyCatalog(own, others);
    }

    private static Enumeration<URL> resources(ClassLoader classLoader, String name) throws IOException {
        return classLoader.getResources(name);
    }

    private static String owner(String url) {
        for (String module : Repo.SERVICE_MODULES) {
            if (url.contains("/" + module + "/target/") || url.contains("/dev/wxai/" + module + "/")) {
                return module;
            }
        }
        return null;
    }

    private static List<Property> read(URL url, boolean required) {
        try (InputStream in = url.openStream()) {
            ConfigurationMetadataRepository repository =
                    ConfigurationMetadataRepositoryJsonBuilder.create().withJsonResource(in).build();
            List<Property> properties = new ArrayList<>();
            for (ConfigurationMetadataProperty property : repository.getAllProperties().values()) {
                properties.add(new Property(property.getId(), property.getType()));
            }
            return properties;
        } catch (IOException | RuntimeException e) {
            if (required) {
                throw new IllegalStateException("cannot read the configuration metadata " + url, e);
            }
            // A third-party file this catalog cannot read only narrows what counts as declared.
            return List.of();
        }
    }
}
