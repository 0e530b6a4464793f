package dev.wxai.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An overlay as the real {@code kubectl kustomize} renders it: what {@code kubectl apply -k} would apply. The tool is
 * required, not optional: without it these tests fail and say how to install it.
 */
final class RenderedOverlay {

    static final String INSTALL = "kubectl 1.27+ is needed (the overlays use `patches:`; Debian's kubernetes-client 1.20 is too old): "
            + "curl -fsSLo /usr/local/bin/kubectl https://dl.k8s.io/release/v1.32.0/bin/linux/amd64/kubectl && chmod +x /usr/local/bin/kubectl";
    private static final Map<String, List<Map<String, Object>>> RENDERED = new ConcurrentHashMap<>();

    private RenderedOverlay() {
    }

    static List<Map<String, Object>> of(String env) {
        return RENDERED.computeIfAbsent(env, RenderedOverlay::render);
    }

    static List<Map<String, Object>> ofKind(String env, String kind) {
        return of(env).stream().filter(resource -> kind.equals(resource.get("kind"))).toList();
    }

    /** The resource of this kind and name, or null: absence is often what a test reports. */
    static Map<String, Object> find(String env, String kind, String name) {
        return ofKind(env, kind).stream().filter(resource -> name.equals(name(resource))).findFirst().orElse(null);
    }

    static String name(Map<String, Object> resource) {
        return Yamls.stringAt(resource, "metadata", "name");
    }

    private static List<Map<String, Object>> render(String env) {
        ProcessBuilder command = new ProcessBuilder("kubectl", "kustomize", Repo.path("k8s", "overlays", env).toString())
                .redirectErrorStream(true);
        try {
            Process process = command.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize k8s/overlays/" + env + " failed:\n" + output);
            }
            return Yamls.loadAll(output, "kubectl kustomize k8s/overlays/" + env);
        } catch (IOException e) {
            throw new AssertionError(INSTALL, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
