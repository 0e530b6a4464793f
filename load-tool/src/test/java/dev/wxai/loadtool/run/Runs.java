package dev.wxai.loadtool.run;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/** Short runs for the tests: the progress log discarded, the summary printed (the test's output file). */
public final class Runs {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private Runs() {
    }

    public static RunSettings settings(String url, double rate, Duration warmup, Duration duration, int connections) {
        return settings(url, rate, warmup, duration, connections, Duration.ofSeconds(5), 50_000, null);
    }

    public static RunSettings settings(String url, double rate, Duration warmup, Duration duration, int connections,
                                       Duration timeout, int maxInFlight, Path hgrm) {
        return new RunSettings("test", url, rate, warmup, duration, connections, timeout, maxInFlight, 2, hgrm, false);
    }

    public static Summary run(RunSettings settings, Traffic traffic) throws InterruptedException {
        Summary summary = new ConstantRateRun(settings, traffic, QUIET).run();
        System.out.println(summary.describe());
        return summary;
    }

    public static Summary get(RunSettings settings) throws InterruptedException {
        LoadRequest get = LoadRequest.get(settings.url());
        return run(settings, index -> get);
    }
}
