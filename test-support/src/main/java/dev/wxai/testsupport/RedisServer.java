package dev.wxai.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis server of a test's own (Debian's {@code redis-server}, on a free port, keeping nothing on disk), for tests
 * that must stop Redis, or empty it with FLUSHALL, without touching the Redis every other test and a developer's
 * stack share; or that run the services as the Redis users production gives them ({@link #startWithUsers}).
 */
public final class RedisServer implements AutoCloseable {

    /** The test's own user when the server has ACL users: everything, so that a test can look and clean up. */
    private static final String ADMIN = "wxai-test-admin";

    private final int port;
    private final Path dir;
    private final boolean withUsers;
    private Process process;

    private RedisServer(int port, boolean withUsers) {
        this.port = port;
        this.withUsers = withUsers;
        try {
            this.dir = Files.createTempDirectory("wxai-redis-" + port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RedisServer start() {
        RedisServer server = new RedisServer(ServiceProcess.freePorts(1)[0], false);
        server.resume();
        return server;
    }

    /**
     * A server whose only users are those of {@code usersAcl} (production's ACL file: rules without passwords), each
     * given the password {@link #password}, plus the test's own admin user. The file's {@code default} user stays as
     * the file says (off), so a client that forgets to authenticate is refused rather than let in with every right.
     */
    public static RedisServer startWithUsers(Path usersAcl) {
        RedisServer server = new RedisServer(ServiceProcess.freePorts(1)[0], true);
        List<String> lines = new java.util.ArrayList<>();
        try {
            for (String line : Files.readAllLines(usersAcl)) {
                String[] words = line.strip().split("\\s+");
                boolean serviceUser = words.length > 1 && words[0].equals("user") && !words[1].equals("default");
                lines.add(serviceUser ? line.strip() + " >" + password(words[1]) : line.strip());
            }
            lines.add("user " + ADMIN + " on >" + password(ADMIN) + " ~* &* +@all");
            Files.write(server.dir.resolve("users.acl"), lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.resume();
        return server;
    }

    /** The password a user of {@link #startWithUsers} has. */
    public static String password(String user) {
        return user + "-test-password";
    }

    /** The URL of the test itself: the admin user when the server has users, nobody otherwise. */
    public String url() {
        return withUsers ? url(ADMIN) : "redis://" + LocalPort.HOST + ":" + port + "/0";
    }

    /** The URL a service uses to connect as {@code user} of the ACL file. */
    public String url(String user) {
        return "redis://" + user + ":" + password(user) + "@" + LocalPort.HOST + ":" + port + "/0";
    }

    /** What the server refused and to whom ({@code ACL LOG}, as redis-cli prints it); empty when nothing was. */
    public String refusals() {
        String log = command("ACL", "LOG");
        return log.startsWith("(empty") ? "" : log;
    }

    public boolean exists(String key) {
        return command("EXISTS", key).equals("(integer) 1");
    }

    public int port() {
        return port;
    }

    /** Starts the server again on the same port, empty: what a restart without persistence gives. */
    public synchronized void resume() {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("redis-server", "--port", String.valueOf(port),
                    "--bind", LocalPort.HOST, "--save", "", "--appendonly", "no", "--dir", dir.toString()));
            if (withUsers) {
                command.addAll(List.of("--aclfile", dir.resolve("users.acl").toString()));
            }
            process = new ProcessBuilder(command)
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
        if (!command("FLUSHALL").equals("OK")) {
            throw new IllegalStateException("FLUSHALL was not acknowledged");
        }
    }

    /**
     * One command as the test's own user, through {@code redis-cli} (which comes with {@code redis-server}); its
     * answer as redis-cli prints it.
     */
    public String command(String... args) {
        return withUsers ? commandAs(ADMIN, args) : run(List.of(args));
    }

    /** One command as {@code user} of {@link #startWithUsers} (a refusal is the answer: {@code (error) NOPERM …}). */
    public String commandAs(String user, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("--user", user, "--pass", password(user),
                "--no-auth-warning"));
        command.addAll(List.of(args));
        return run(command);
    }

    private String run(List<String> args) {
        List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-p", String.valueOf(port), "--no-raw"));
        command.addAll(args);
        try {
            Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(cli.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            cli.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitPort(boolean open) {
        LocalPort.await(port, open, Duration.ofSeconds(15), "redis-server on port " + port + (open ? " starts" : " stops"),
                () -> false);
    }

    @Override
    public void close() {
        stop();
    }
}
