package dev.wxai.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository these tests read: its root, its Maven modules, and which of them are runnable services. */
final class Repo {

    static final Path ROOT = locateRoot();

    /** Modules listed in the root pom, in order. */
    static final List<String> MODULES = modules();

    /**
     * Spring Boot applications (a runnable jar and an application.yml): the ones that become images. The load tool
     * is runnable too, but it is a command, not a service.
     */
    static final List<String> SERVICE_MODULES = serviceModules();

    private Repo() {
    }

    static Path path(String first, String... more) {
        return ROOT.resolve(Path.of(first, more));
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The project version from the root pom (the first {@code <version>} after the parent block). */
    static String version() {
        String pom = read(ROOT.resolve("pom.xml"));
        String afterParent = pom.substring(pom.indexOf("</parent>"));
        Matcher version = Pattern.compile("<version>([^<]+)</version>").matcher(afterParent);
        if (!version.find()) {
            throw new IllegalStateException("no project version in the root pom");
        }
        return version.group(1).trim();
    }

    /** The failsafe/surefire property when set, else the nearest directory upwards whose pom lists deploy-tests. */
    private static Path locateRoot() {
        List<Path> starts = new ArrayList<>();
        String configured = System.getProperty("wxai.root");
        if (configured != null && !configured.isBlank()) {
            starts.add(Path.of(configured));
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
                Path pom = dir.resolve("pom.xml");
                if (Files.isRegularFile(pom) && read(pom).contains("<module>deploy-tests</module>")) {
                    return dir;
                }
            }
        }
        throw new IllegalStateException("cannot find the repository root (a pom.xml listing deploy-tests) from " + starts);
    }

    private static List<String> modules() {
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(read(ROOT.resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (module.find()) {
            modules.add(module.group(1).trim());
        }
        return List.copyOf(modules);
    }

    private static List<String> serviceModules() {
        List<String> services = new ArrayList<>();
        for (String module : MODULES) {
            Path pom = ROOT.resolve(module).resolve("pom.xml");
            if (Files.isRegularFile(pom) && read(pom).contains("<artifactId>spring-boot-maven-plugin</artifactId>")
                    && Files.isRegularFile(ROOT.resolve(module).resolve("src/main/resources/application.yml"))) {
                services.add(module);
            }
        }
        return List.copyOf(services);
    }
}
