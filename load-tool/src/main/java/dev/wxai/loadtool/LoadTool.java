package dev.wxai.loadtool;

import dev.wxai.common.wechat.MessageCrypto;
import dev.wxai.loadtool.ceiling.CeilingServer;
import dev.wxai.loadtool.notify.NotificationSetup;
import dev.wxai.loadtool.notify.PreparedNotifications;
import dev.wxai.loadtool.run.ConstantRateRun;
import dev.wxai.loadtool.run.LoadRequest;
import dev.wxai.loadtool.run.RunSettings;
import dev.wxai.loadtool.run.Summary;
import dev.wxai.loadtool.run.Traffic;
import dev.wxai.loadtool.wechat.WechatTraffic;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The benchmarks' load generator ({@code bench/load}, bench/README.md). Commands:
 * {@code ceiling} (the bare server of the request path), {@code wechat}, {@code api}, {@code notify}.
 */
public final class LoadTool {

    static final String USAGE = """
            usage: bench/load <command> [options]
              ceiling  [--port 8099] [--host 127.0.0.1] [--threads <cores>]
                       a bare Reactor Netty server answering 200 "success" to everything (the ceiling)
              wechat   [--url http://127.0.0.1:8080/wechat] [--token sandbox-token] [--aes-key KEY [--app-id wx…]]
                       [--to-user gh_sandbox] [--content TEXT]
                       signed text messages, each from a new openid with a new MsgId; safe mode with --aes-key
              api      [--url http://127.0.0.1:8080/api/stats]
                       GETs
              notify   [--url http://127.0.0.1:8083/pay/notify] [--orders-url http://127.0.0.1:8083]
                       [--sandbox-url http://127.0.0.1:8090] [--sku COURSE-AI-101] [--setup-concurrency 16]
                       [--notify-max-age 5m]
                       WeChat Pay notifications, one per order, created and signed before the run (untimed)
            every load command:
              --rate 1000 --duration 30s --warmup 10s --connections 64 --timeout 10s --max-in-flight 50000
              --io-threads <cores> --hgrm FILE --progress true
            The summary is one line of JSON on stdout; progress and a readable summary go to stderr.
            """;

    private LoadTool() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print(USAGE);
            return;
        }
        try {
            System.exit(run(args[0], new Arguments(args, 1), System.out, System.err));
        } catch (IllegalArgumentException e) {
            System.err.println("bench/load: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        } catch (IllegalStateException e) {
            System.err.println("bench/load: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String command, Arguments arguments, PrintStream out, PrintStream log) throws InterruptedException {
        int cores = Runtime.getRuntime().availableProcessors();
        switch (command) {
            case "ceiling" -> {
                String host = arguments.string("host", "127.0.0.1");
                int port = arguments.integer("port", 8099);
                int threads = arguments.integer("threads", cores);
                arguments.requireAllRead();
                CeilingServer server;
                try {
                    server = CeilingServer.start(host, port, threads);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
                }
                log.printf("[ceiling] answering success on http://%s:%d/ with %d event loops; Ctrl-C stops it%n",
                        host, server.port(), threads);
                server.awaitShutdown();
                return 0;
            }
            case "wechat" -> {
                String url = arguments.string("url", "http://127.0.0.1:8080/wechat");
                String token = arguments.string("token", env("WXAI_WECHAT_TOKEN", "sandbox-token"));
                String aesKey = arguments.string("aes-key", null);
                String appId = arguments.string("app-id", env("WXAI_WECHAT_APPID", "wx5823bf96d3bd56c7"));
                String toUser = arguments.string("to-user", "gh_sandbox");
                String content = arguments.string("content", "压测消息 load test");
                MessageCrypto crypto = aesKey == null || aesKey.isBlank() ? null : new MessageCrypto(appId, aesKey, null);
                RunSettings settings = settings(aesKey == null ? "wechat" : "wechat-safe", url, arguments, cores);
                return report(new ConstantRateRun(settings, new WechatTraffic(url, token, toUser, content, crypto), log)
                        .run(), out, log);
            }
            case "api" -> {
                String url = arguments.string("url", "http://127.0.0.1:8080/api/stats");
                RunSettings settings = settings("api", url, arguments, cores);
                LoadRequest get = LoadRequest.get(url);
                Traffic traffic = index -> get;
                return report(new ConstantRateRun(settings, traffic, log).run(), out, log);
            }
            case "notify" -> {
                String url = arguments.string("url", "http://127.0.0.1:8083/pay/notify");
                String ordersUrl = arguments.string("orders-url", "http://127.0.0.1:8083");
                String sandboxUrl = arguments.string("sandbox-url", "http://127.0.0.1:8090");
                String sku = arguments.string("sku", "COURSE-AI-101");
                int setupConcurrency = arguments.integer("setup-concurrency", 16);
                Duration maxAge = arguments.duration("notify-max-age", Duration.ofMinutes(5));
                RunSettings settings = settings("notify", url, arguments, cores);
                Duration run = settings.warmup().plus(settings.duration());
                if (run.compareTo(maxAge.minusSeconds(30)) > 0) {
                    throw new IllegalArgumentException("warm-up and duration (" + run.toSeconds() + " s) must end well"
                            + " within --notify-max-age (" + maxAge.toSeconds() + " s, the order-service's"
                            + " WXAI_ORDER_NOTIFYMAXAGE): notifications are signed before the run");
                }
                int count = Math.toIntExact(settings.totalRequests());
                log.printf("[load] preparing %d notifications (one order each)%n", count);
                long signed = System.nanoTime();
                List<PreparedNotifications.Notification> notifications =
                        new NotificationSetup(ordersUrl, sandboxUrl, sku, setupConcurrency, log).prepare(count, url);
                Duration left = maxAge.minusNanos(System.nanoTime() - signed).minus(run);
                if (left.isNegative()) {
                    throw new IllegalStateException("the last notifications would be older than --notify-max-age ("
                            + maxAge.toSeconds() + " s) by the time they are sent: shorten the run or lower the rate");
                }
                return report(new ConstantRateRun(settings, new PreparedNotifications(url, notifications), log).run(), out, log);
            }
            default -> throw new IllegalArgumentException("unknown command '" + command + "'");
        }
    }

    private static RunSettings settings(String name, String url, Arguments arguments, int cores) {
        double rate = arguments.number("rate", 1000);
        Duration duration = arguments.duration("duration", Duration.ofSeconds(30));
        Duration warmup = arguments.duration("warmup", Duration.ofSeconds(10));
        int connections = arguments.integer("connections", 64);
        Duration timeout = arguments.duration("timeout", Duration.ofSeconds(10));
        int maxInFlight = arguments.integer("max-in-flight", 50_000);
        int ioThreads = arguments.integer("io-threads", cores);
        String hgrm = arguments.string("hgrm", null);
        boolean progress = Boolean.parseBoolean(arguments.string("progress", "true"));
        arguments.requireAllRead();
        return new RunSettings(name, url, rate, warmup, duration, connections, timeout, maxInFlight, ioThreads,
                hgrm == null ? null : Path.of(hgrm), progress);
    }

    private static int report(Summary summary, PrintStream out, PrintStream log) {
        log.println("[load] " + summary.describe());
        out.println(summary.toJson());
        return 0;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
