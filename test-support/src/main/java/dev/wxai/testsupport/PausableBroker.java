package dev.wxai.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft broker in a process of its own (the Kafka server on the test's class path, started as
 * {@code bin/stack} starts one), so that a test can <em>pause</em> it: {@code SIGSTOP} freezes it with its
 * connections open, as a broker that stops answering does (a long GC, a stalled disk, a network partition), and
 * {@code SIGCONT} brings it back with every record it had. An in-JVM broker can only be destroyed.
 */
public final class PausableBroker implements KafkaBroker, AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;

    private PausableBroker(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static PausableBroker start() {
        try {
            Path dir = Files.createTempDirectory("wxai-broker");
            int[] ports = ServiceProcess.freePorts(2);
            Path config = dir.resolve("server.properties");
            Files.writeString(config, String.join("\n", List.of(
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@" + LocalPort.HOST + ":" + ports[1],
                    "listeners=PLAINTEXT://" + LocalPort.HOST + ":" + ports[0] + ",CONTROLLER://" + LocalPort.HOST + ":" + ports[1],
                    "advertised.listeners=PLAINTEXT://" + LocalPort.HOST + ":" + ports[0],
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "inter.broker.listener.name=PLAINTEXT",
                    "num.partitions=2",
                    "offsets.topic.replication.factor=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "log.dirs=" + dir.resolve("data"))) + "\n");
            // Kafka logs through SLF4J; on a test class path that is Logback, which would log at DEBUG without this.
            Path logback = dir.resolve("logback.xml");
            Files.writeString(logback, """
                    <configuration>
                      <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
                      </appender>
                      <root level="WARN"><appender-ref ref="out"/></root>
                    </configuration>
                    """);
            Path log = dir.resolve("kafka.log");
            run(List.of(java(), "-cp", classPath(), "-Dlogback.configurationFile=" + logback, "kafka.tools.StorageTool",
                    "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()), log);
            Process broker = new ProcessBuilder(java(), "-Xmx384m", "-cp", classPath(), "-Dlogback.configurationFile=" + logback,
                    "kafka.Kafka", config.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            PausableBroker started = new PausableBroker(broker, ports[0], dir);
            started.awaitListening(Duration.ofSeconds(60));
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String bootstrapServers() {
        return LocalPort.HOST + ":" + port;
    }

    /** Freezes the broker: connections stay open, nothing is answered. */
    public void pause() {
        signal("STOP");
    }

    /** Lets a paused broker go on where it stopped. */
    public void resume() {
        signal("CONT");
    }

    public Path log() {
        return dir.resolve("kafka.log");
    }

    @Override
    public void close() {
        resume();
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal(String name) {
        run(List.of("kill", "-" + name, String.valueOf(process.pid())), log());
    }

    private void awaitListening(Duration timeout) {
        LocalPort.await(port, true, timeout, "the broker listens (log: " + log() + ")", () -> !process.isAlive());
    }

    private static void run(List<String> command, Path log) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(command.get(command.size() > 4 ? 4 : 0) + " failed; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The test's own class path: Surefire and Failsafe hand it over whole, or as a manifest-only jar that names it. */
    private static String classPath() {
        return System.getProperty("java.class.path");
    }
}
