package dev.wxai.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import java.util.concurrent.TimeUnit;

/**
 * One of our services running as its own JVM from its runnable jar, the way it runs in production: own
 * classpath, own configuration, talking to the others over HTTP and Kafka. Properties are passed as command-line
 * arguments, which outrank everything in the service's application.yml.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private final String module;
    private final int port;
    private final int managementPort;
    private final Process process;
    private final Path log;

    private ServiceProcess(String module, int port, int managementPort, Process process, Path log) {
        this.module = module;
        this.port = port;
        this.managementPort = managementPort;
        this.process = process;
        this.log = log;
    }

    /**
     * A service with its actuator on the port of its public endpoints.
     *
     * @param module     the Maven module, e.g. {@code wechat-ingress-service}
     * @param properties Spring properties for this process
     */
    public static ServiceProcess start(String module, int port, String heap, Map<String, String> properties) {
        return start(module, port, port, heap, properties);
    }

    /**
     * A service whose actuator listens on a port of its own ({@code management.server.port}), as the gateway's does in
     * production: its public port refuses {@code /actuator/**}.
     *
     * @param managementPort where health and metrics answer; {@code port} itself for a service without one
     */
    public static ServiceProcess start(String module, int port, int managementPort, String heap,
                                       Map<String, String> properties) {
        Path root = Path.of(System.getProperty("wxai.root", "..")).toAbsolutePath().normalize();
        String version = System.getProperty("wxai.version", "0.1.0-SNAPSHOT");
        Path jar = root.resolve(module).resolve("target").resolve(module + "-" + version + "-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the module first (mvn package)");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // Always both: the actuator is where managementUrl() says, whatever the service's own default.
                "-jar", jar.toString(), "--server.port=" + port, "--management.server.port=" + managementPort));
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        try {
            Path logDir = Path.of("target", "service-logs");
            Files.createDirectories(logDir);
            Path log = logDir.resolve(module + "-" + port + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new ServiceProcess(module, port, managementPort, process, log);
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + module, e);
        }
    }

    /**
     * Ports free right now, never handed out before in this JVM: a port released by one call may be offered again
     * by the next before the service it went to has bound it, and a health check on a shared port would ask the
     * wrong service.
     */
    public static synchronized int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            int found = 0;
            while (found < count) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    ports[found++] = socket.getLocalPort();
                }
            }
            return ports;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a listening socket that accepted nothing cannot lose anything
                }
            }
        }
    }

    public String module() {
        return module;
    }

    /** Everything the process wrote, stdout and stderr. */
    public Path log() {
        return log;
    }

    /** Where the service's public endpoints answer. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Where its actuator ({@code /actuator/health}, {@code /actuator/prometheus}) answers: {@link #baseUrl()} unless it
     * was started with a management port.
     */
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    /** Waits until {@code /actuator/health} says UP; fails early, with the log's path, if the process died. */
    public ServiceProcess awaitHealthy(Duration timeout) {
        Awaitility.await(module + " healthy (log: " + log.toAbsolutePath() + ")")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .failFast(module + " exited; see " + log.toAbsolutePath(), () -> !process.isAlive())
                .until(this::reportsUp);
        return this;
    }

    private boolean reportsUp() throws InterruptedException {
        HttpRequest health = HttpRequest.newBuilder(URI.create(managementUrl() + "/actuator/health"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            HttpResponse<String> response = HTTP.send(health, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException notListeningYet) {
            return false;
        }
    }

    /** Kills the JVM at once ({@code kill -9}): no shutdown hook, no drain, no commit. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the service the way Kubernetes does: SIGTERM, a grace period, then SIGKILL. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
