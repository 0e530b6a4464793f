package dev.wxai.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis server of a test's own (Debian's {@code redis-server}, on a free port, keeping nothing on disk), for tests
 * that must stop Redis, or empty it with FLUSHALL, without touching the Redis every other test and a developer's
 * stack share.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port) {
        this.port = port;
        try {
            this.dir = Files.createTempDirectory("wxai-redis-" + port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RedisServer start() {
        RedisServer server = new RedisServer(ServiceProcess.freePorts(1)[0]);
        server.resume();
        return server;
    }

    public String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    public int port() {
        return port;
    }

    /** Starts the server again on the same port, empty: what a restart without persistence gives. */
    public synchronized void resume() {
        try {
            process = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("redis-server could not start (is Debian's redis-server installed?)", e);
        }
        awaitPort(true);
    }

    /** An outage: the server stops and its port refuses connections until {@link #resume()}. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        awaitPort(false);
    }

    /** FLUSHALL, as an operator (or an accident) would. */
    public void flushAll() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("*1\r\n$8\r\nFLUSHALL\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] reply = new byte[5];
            int read = socket.getInputStream().read(reply);
            if (read < 3 || reply[0] != '+') {
                throw new IllegalStateException("FLUSHALL was not acknowledged");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitPort(boolean open) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(deadline)) {
            boolean listening;
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                listening = true;
            } catch (IOException e) {
                listening = false;
            }
            if (listening == open) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("redis-server on port " + port + " did not " + (open ? "start" : "stop"));
    }

    @Override
    public void close() {
        stop();
    }
}
