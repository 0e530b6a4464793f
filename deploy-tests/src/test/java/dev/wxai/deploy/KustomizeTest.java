package dev.wxai.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The test resolver itself: kustomize's semantics for what the overlays use, and refusal of the rest. */
class KustomizeTest {

    @TempDir
    Path dir;

    @Test
    void patchesMergeMapsAndContainersByNameThenNamespaceAndImagesApply() throws IOException {
        write("base/kustomization.yaml", """
                resources:
                  - app.yaml
                """);
        write("base/app.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app
                spec:
                  replicas: 2
                  template:
                    spec:
                      containers:
                        - name: main
                          image: wxai/app:dev
                          env:
                            - name: A
                              value: "1"
                        - name: side
                          image: busybox:1
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: config
                data:
                  KEPT: "yes"
                  CHANGED: old
                """);
        write("overlay/kustomization.yaml", """
                namespace: team
                resources:
                  - namespace.yaml
                  - ../base
                patches:
                  - path: patch-app.yaml
                  - path: patch-config.yaml
                images:
                  - name: wxai/app
                    newName: registry.example.com/wxai/app
                    newTag: "1.2"
                """);
        write("overlay/namespace.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: team
                """);
        write("overlay/patch-app.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: app
                spec:
                  replicas: null
                  template:
                    spec:
                      containers:
                        - name: main
                          env:
                            - name: B
                              value: "2"
                """);
        write("overlay/patch-config.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: config
                data:
                  CHANGED: new
                  ADDED: "1"
                """);

        Map<String, Map<String, Object>> resources = byId(Kustomize.build(dir.resolve("overlay")));

        assertThat(resources).containsOnlyKeys("Namespace//team", "Deployment/team/app", "ConfigMap/team/config");
        Map<String, Object> app = resources.get("Deployment/team/app");
        assertThat(Yamls.at(app, "spec", "replicas")).as("null deletes").isNull();
        List<Map<String, Object>> containers = Kustomize.containers(app);
        assertThat(containers.stream().map(container -> container.get("name")).toList()).containsExactly("main", "side");
        assertThat(Yamls.listAt(containers.get(0), "env")).hasSize(2);
        assertThat(containers.get(0).get("image")).isEqualTo("registry.example.com/wxai/app:1.2");
        assertThat(containers.get(1).get("image")).isEqualTo("busybox:1");
        assertThat(Yamls.mapAt(resources.get("ConfigMap/team/config"), "data"))
                .isEqualTo(Map.of("KEPT", "yes", "CHANGED", "new", "ADDED", "1"));
    }

    @Test
    void listsOfCustomResourcesAreReplacedWhole() throws IOException {
        write("kustomization.yaml", """
                resources:
                  - scaled.yaml
                patches:
                  - path: patch.yaml
                """);
        write("scaled.yaml", """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata:
                  name: worker
                spec:
                  minReplicaCount: 2
                  triggers:
                    - type: kafka
                      metadata:
                        topic: a
                """);
        write("patch.yaml", """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata:
                  name: worker
                spec:
                  triggers:
                    - type: cpu
                """);
        Map<String, Object> scaled = Kustomize.build(dir).get(0);
        assertThat(Yamls.at(scaled, "spec", "minReplicaCount")).isEqualTo(2);
        assertThat(Yamls.listAt(scaled, "spec", "triggers")).containsExactly(Map.of("type", "cpu"));
    }

    @Test
    void refusesWhatItDoesNotImplement() throws IOException {
        write("kustomization.yaml", """
                resources: []
                secretGenerator:
                  - name: generated
                """);
        assertThatThrownBy(() -> Kustomize.build(dir)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("secretGenerator");
    }

    @Test
    void configMapGeneratorMakesAConfigMapFromFilesWithTheOptionsLabelsThenTheOverlayAppliesItsNamespace()
            throws IOException {
        write("shared/dashboards/kustomization.yaml", """
                configMapGenerator:
                  - name: dashboards
                    files:
                      - a.json
                      - renamed.json=b.json
                    options:
                      disableNameSuffixHash: true
                      labels:
                        grafana_dashboard: "1"
                      annotations:
                        grafana_folder: team
                """);
        write("shared/dashboards/a.json", "{\"title\": \"a\"}\n");
        write("shared/dashboards/b.json", "{\"title\": \"b\"}\n");
        // A directory outside the overlay's root is a resource like any base.
        write("overlay/kustomization.yaml", """
                namespace: team
                resources:
                  - ../shared/dashboards
                """);

        List<Map<String, Object>> resources = Kustomize.build(dir.resolve("overlay"));

        assertThat(resources).containsExactly(Map.of(
                "apiVersion", "v1",
                "kind", "ConfigMap",
                "metadata", Map.of("name", "dashboards", "namespace", "team",
                        "labels", Map.of("grafana_dashboard", "1"),
                        "annotations", Map.of("grafana_folder", "team")),
                "data", Map.of("a.json", "{\"title\": \"a\"}\n", "renamed.json", "{\"title\": \"b\"}\n")));
    }

    @Test
    void configMapGeneratorReadsNoFileOutsideItsDirectory() throws IOException {
        write("secret.json", "{}");
        write("k/kustomization.yaml", """
                configMapGenerator:
                  - name: leak
                    files:
                      - ../secret.json
                    options:
                      disableNameSuffixHash: true
                """);
        assertThatThrownBy(() -> Kustomize.build(dir.resolve("k"))).hasMessageContaining("outside");
    }

    @Test
    void configMapGeneratorRefusesWhatItDoesNotImplement() throws IOException {
        write("hashed/kustomization.yaml", """
                configMapGenerator:
                  - name: hashed
                    files:
                      - a.json
                """);
        write("hashed/a.json", "{}");
        assertThatThrownBy(() -> Kustomize.build(dir.resolve("hashed"))).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("disableNameSuffixHash");

        write("literals/kustomization.yaml", """
                configMapGenerator:
                  - name: literal
                    literals:
                      - A=1
                    options:
                      disableNameSuffixHash: true
                """);
        assertThatThrownBy(() -> Kustomize.build(dir.resolve("literals"))).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("literals");

        write("merge/kustomization.yaml", """
                configMapGenerator:
                  - name: merged
                    files:
                      - a.json
                    options:
                      disableNameSuffixHash: true
                      immutable: true
                """);
        write("merge/a.json", "{}");
        assertThatThrownBy(() -> Kustomize.build(dir.resolve("merge"))).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("immutable");
    }

    @Test
    void refusesAPatchWithoutATarget() throws IOException {
        write("kustomization.yaml", """
                resources: []
                patches:
                  - path: patch.yaml
                """);
        write("patch.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: missing
                """);
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("matches 0 resources");
    }

    /** When kubectl is installed, the real kustomize must produce exactly what the test resolver produces. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void agreesWithKubectlKustomize(String env) throws Exception {
        Path kubectl = onPath("kubectl");
        assumeTrue(kubectl != null, "kubectl is not installed");
        Path overlay = Repo.path("k8s", "overlays", env);
        File errors = dir.resolve("kubectl.err").toFile();
        Process process = new ProcessBuilder(kubectl.toString(), "kustomize", overlay.toString())
                .redirectError(errors)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
        assertThat(process.exitValue()).as("kubectl kustomize: " + Files.readString(errors.toPath())).isZero();

        Map<String, Map<String, Object>> expected = byId(Yamls.loadAll(output, "kubectl kustomize " + overlay));
        Map<String, Map<String, Object>> actual = byId(KubernetesManifestsTest.overlay(env));
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (String id : expected.keySet()) {
            assertThat(actual.get(id)).as(id).isEqualTo(expected.get(id));
        }
    }

    private void write(String file, String text) throws IOException {
        Path path = dir.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text, StandardCharsets.UTF_8);
    }

    private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> resources) {
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        for (Map<String, Object> resource : resources) {
            String namespace = Yamls.stringAt(resource, "metadata", "namespace");
            byId.put(Kustomize.kind(resource) + "/" + (namespace == null ? "" : namespace) + "/" + Kustomize.name(resource),
                    resource);
        }
        return byId;
    }

    static Path onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
