package dev.wxai.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The root Dockerfile builds every service's image (no Docker engine here: the file is read, and the runnable jars
 * the build produced are opened to check the layers it copies).
 */
class DockerImageTest {

    /** Spring Boot's default layers, in the order an image should stack them (least likely to change first). */
    private static final List<String> LAYERS = List.of("dependencies", "spring-boot-loader", "snapshot-dependencies",
            "application");
    private static final String LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";

    private static final List<String> INSTRUCTIONS = instructions(Repo.read(Repo.path("Dockerfile")));
    private static final List<List<String>> STAGES = stages(INSTRUCTIONS);

    @Test
    void buildsTheModuleNamedByTheBuildArgumentWithMaven() {
        List<String> build = STAGES.get(0);
        assertThat(build.get(0)).as("build stage").startsWith("FROM maven:3.9-eclipse-temurin-17");
        assertThat(build).as("the build stage declares the MODULE argument").contains("ARG MODULE");
        String mvn = build.stream().filter(line -> line.startsWith("RUN") && line.contains("mvn ")).findFirst().orElse("");
        assertThat(mvn).as("builds only the module and what it needs")
                .containsPattern("-pl\\s+\"?\\$\\{?MODULE}?\"?\\s")
                .contains(" -am ")
                .contains(" package")
                .contains("--mount=type=cache,target=/root/.m2");
        assertThat(Repo.read(Repo.path("pom.xml"))).as("the parent pom names the runnable jar *-exec.jar")
                .contains("<classifier>exec</classifier>");
        assertThat(mvn).as("takes the module's runnable jar").contains("\"${MODULE}/target/${MODULE}-\"*\"-exec.jar\"");
    }

    @Test
    void healthCheckPortsOfEveryModuleAreItsServerAndManagementPorts() {
        String portCase = STAGES.get(0).stream().filter(line -> line.contains("port=")).findFirst().orElse("");
        Matcher entry = Pattern.compile("([a-z][a-z0-9-]*)\\)\\s*port=(\\d+)(?:;\\s*management=(\\d+))?").matcher(portCase);
        Map<String, String> ports = new LinkedHashMap<>();
        while (entry.find()) {
            ports.put(entry.group(1), entry.group(2) + (entry.group(3) == null ? "" : " management " + entry.group(3)));
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (String module : Repo.SERVICE_MODULES) {
            ServiceModule service = ServiceModule.of(module);
            expected.put(module, service.port()
                    + (service.actuatorPort() == service.port() ? "" : " management " + service.actuatorPort()));
        }
        assertThat(ports).as("module -> server.port (and management.server.port) in the Dockerfile vs each application.yml")
                .isEqualTo(expected);
        assertThat(portCase).contains("> /tmp/server-port").contains("> /tmp/management-port");
        assertThat(runtime()).contains("COPY --from=build /tmp/server-port /app/server-port",
                "COPY --from=build /tmp/management-port /app/management-port");
    }

    @Test
    void runtimeStacksTheBootLayersInOrderAndStartsThePlainJar() {
        String extract = STAGES.get(0).stream().filter(line -> line.contains("-Djarmode=tools")).findFirst().orElse("");
        // Not for Boot's launcher: Class Data Sharing archives only classes the JDK's own class loaders load.
        assertThat(extract).contains(" extract ").contains("--layers").doesNotContain("--launcher");
        Matcher destination = Pattern.compile("--destination\\s+(\\S+)").matcher(extract);
        assertThat(destination.find()).as("extract --destination").isTrue();
        String extracted = destination.group(1);

        Pattern copy = Pattern.compile("COPY --from=build " + Pattern.quote(extracted) + "/([a-z-]+)/ \\./");
        List<String> copied = new ArrayList<>();
        for (String line : runtime()) {
            Matcher layer = copy.matcher(line);
            if (layer.matches()) {
                copied.add(layer.group(1));
            }
        }
        assertThat(copied).isEqualTo(LAYERS);
        assertThat(runtime()).contains("WORKDIR /app", "ENTRYPOINT [\"java\", \"-jar\", \"application.jar\"]");
        assertThat(STAGES.get(0)).as("the jar the layers are extracted from is named application.jar")
                .anyMatch(line -> line.contains("cp ") && line.endsWith("/tmp/application.jar"))
                .anyMatch(line -> line.contains("-jar /tmp/application.jar extract"));
    }

    @Test
    void onlyTheWorkerImageCarriesAClassDataSharingArchiveFromATrainingStart() {
        List<String> training = runtime().stream().filter(line -> line.contains("-XX:ArchiveClassesAtExit=")).toList();
        assertThat(training).hasSize(1);
        String run = training.get(0);
        assertThat(run).startsWith("RUN if [ \"${MODULE}\" = \"ai-worker-service\" ]; then")
                .contains("-XX:ArchiveClassesAtExit=application.jsa")
                .contains("-Dspring.context.exit=onRefresh")
                .contains("-jar application.jar")
                // The pod's heap class and collector: an archive made with other compressed-oops settings is ignored.
                .contains("-XX:MaxRAM=1g").contains("-XX:+UseG1GC");
        assertThat(runtime().indexOf(run)).as("trained on the copied layers, before the image drops root")
                .isGreaterThan(runtime().indexOf("COPY --from=build /tmp/extracted/application/ ./"))
                .isLessThan(runtime().indexOf("USER 10001:10001"));
    }

    @Test
    void runsAsANumericUnprivilegedUser() {
        List<String> users = runtime().stream().filter(line -> line.startsWith("USER ")).toList();
        assertThat(users).as("one USER in the runtime stage").hasSize(1);
        String user = users.get(0).substring("USER ".length()).trim();
        assertThat(user).as("numeric, so that Kubernetes can verify runAsNonRoot").matches("\\d+(:\\d+)?");
        String uid = user.split(":")[0];
        assertThat(Integer.parseInt(uid)).isPositive();
        assertThat(runtime()).anyMatch(line -> line.contains("useradd") && line.contains("--uid " + uid));
    }

    @Test
    void heapFollowsTheContainersMemoryLimit() {
        String options = runtime().stream().filter(line -> line.startsWith("ENV JAVA_TOOL_OPTIONS")).findFirst().orElse("");
        Matcher percentage = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(options);
        assertThat(percentage.find()).as("JAVA_TOOL_OPTIONS with -XX:MaxRAMPercentage").isTrue();
        assertThat(Integer.parseInt(percentage.group(1))).isBetween(50, 80);
        assertThat(INSTRUCTIONS).noneMatch(line -> line.contains("-Xmx"));
    }

    @Test
    void healthCheckAsksTheLivenessGroupWithAToolTheRuntimeImageHas() {
        assertThat(runtime().get(0)).as("eclipse-temurin's Ubuntu JRE images include curl")
                .startsWith("FROM eclipse-temurin:17-jre").doesNotContain("alpine");
        String healthCheck = runtime().stream().filter(line -> line.startsWith("HEALTHCHECK")).findFirst().orElse("");
        // The actuator's port: MANAGEMENT_SERVER_PORT, else the image's management port, else the server port.
        assertThat(healthCheck).contains("CMD port=\"${MANAGEMENT_SERVER_PORT:-$(cat /app/management-port)}\";")
                .contains("curl -fsS")
                .contains("http://127.0.0.1:${port:-${SERVER_PORT:-$(cat /app/server-port)}}/actuator/health/liveness");
        List<String> problems = new ArrayList<>();
        for (String module : Repo.SERVICE_MODULES) {
            if (!ServiceModule.of(module).actuatorBasePath().equals("/actuator")) {
                problems.add(module + ": the actuator is not at /actuator");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void runnableJarsCarryTheLayersTheDockerfileCopies() throws IOException {
        List<Path> jars = new ArrayList<>();
        for (String module : Repo.SERVICE_MODULES) {
            Path jar = Repo.path(module, "target", module + "-" + Repo.version() + "-exec.jar");
            if (Files.isRegularFile(jar)) {
                jars.add(jar);
            }
        }
        assumeTrue(!jars.isEmpty(), "no runnable jars built yet (mvn package)");
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                JarEntry index = file.getJarEntry("BOOT-INF/layers.idx");
                assertThat(index).as(jar + " has a layer index").isNotNull();
                List<String> layers = new ArrayList<>();
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(file.getInputStream(index), StandardCharsets.UTF_8))) {
                    Pattern layer = Pattern.compile("^- \"([^\"]+)\":");
                    for (String line : reader.lines().toList()) {
                        Matcher name = layer.matcher(line);
                        if (name.find()) {
                            layers.add(name.group(1));
                        }
                    }
                }
                assertThat(layers).as(jar + " layers").isEqualTo(LAYERS);
                assertThat(file.getJarEntry(LAUNCHER.replace('.', '/') + ".class")).as(jar + " launcher").isNotNull();
                assertThat(file.stream().map(JarEntry::getName))
                        .as(jar + " includes the tools jar mode that extracts the layers")
                        .anyMatch(name -> name.startsWith("BOOT-INF/lib/spring-boot-jarmode-tools"));
            }
        }
    }

    @Test
    void buildContextKeepsEveryModuleAndLeavesBuildOutputOut() {
        List<String> patterns = Arrays.stream(Repo.read(Repo.path(".dockerignore")).split("\n"))
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
        assertThat(patterns).as("target/ directories stay out of the context").contains("**/target/");
        List<String> problems = new ArrayList<>();
        for (String pattern : patterns) {
            String bare = pattern.replaceAll("^/+", "").replaceAll("/+$", "");
            if (bare.equals("*") || bare.equals("**") || bare.equals("pom.xml") || bare.endsWith("*.xml")
                    || Repo.MODULES.contains(bare)) {
                problems.add(pattern + " removes what Maven needs (every module of the root pom, and the poms)");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void imagesScriptBuildsEveryServiceModuleWithTheDockerfile() {
        String script = Repo.read(Repo.path("bin", "images"));
        Matcher modules = Pattern.compile("MODULES=\\(([^)]*)\\)").matcher(script);
        assertThat(modules.find()).as("bin/images lists its MODULES").isTrue();
        assertThat(Arrays.stream(modules.group(1).trim().split("\\s+")).collect(Collectors.toList()))
                .containsExactlyInAnyOrderElementsOf(Repo.SERVICE_MODULES);
        assertThat(script).contains("--build-arg \"MODULE=$module\"");
    }

    private static List<String> runtime() {
        return STAGES.get(STAGES.size() - 1);
    }

    /** Logical instructions: continuation lines joined, comments and blank lines dropped. */
    static List<String> instructions(String dockerfile) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : dockerfile.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            instructions.add(current.toString().replaceAll("\\s+", " ").trim());
            current.setLength(0);
        }
        return instructions;
    }

    private static List<List<String>> stages(List<String> instructions) {
        List<List<String>> stages = new ArrayList<>();
        for (String instruction : instructions) {
            if (instruction.startsWith("FROM ")) {
                stages.add(new ArrayList<>());
            }
            if (!stages.isEmpty()) {
                stages.get(stages.size() - 1).add(instruction);
            }
        }
        if (stages.size() < 2) {
            throw new IllegalStateException("the Dockerfile should have a build and a runtime stage");
        }
        return stages;
    }
}
