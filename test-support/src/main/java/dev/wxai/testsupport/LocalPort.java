package dev.wxai.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;

/** A port on the loopback address, where the servers the tests start (redis-server, a broker process) listen. */
final class LocalPort {

    static final String HOST = "127.0.0.1";

    private LocalPort() {
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /**
     * Waits until {@code port} is listening ({@code open}) or no longer is; gives up at once when {@code gone} says
     * the server's process has exited.
     */
    static void await(int port, boolean open, Duration timeout, String what, Callable<Boolean> gone) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(100))
                .failFast(what + ": the process exited", gone)
                .until(() -> listening(port) == open);
    }
}
