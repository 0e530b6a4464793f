package dev.wxai.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Enough of {@code kustomize build} for this repository's overlays, so that tests can check what
 * {@code kubectl apply -k} would apply without kubectl: {@code resources} (files, multi-document, and directories
 * with their own kustomization), {@code configMapGenerator} (ConfigMaps from files, with a fixed name: see
 * {@link #generateConfigMap}), {@code patches} (strategic-merge patches given by {@code path}, targeting the
 * resource of the same kind and name), {@code namespace} and {@code images}. Anything else in a kustomization is
 * refused rather than ignored, so a new feature in the overlays fails here until this resolver learns it.
 *
 * <p>Strategic merge as Kubernetes does it for the fields used here: maps merge key by key, a null deletes,
 * containers, init containers, env, volumes and image pull secrets merge by name and volume mounts by mount path (in
 * built-in kinds); custom resources (KEDA, Strimzi) get JSON merge semantics, where a list replaces the old one.
 * {@link KustomizeTest} compares the result with the real kustomize when kubectl is installed.
 */
final class Kustomize {

    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "configMapGenerator", "patches",
            "namespace", "images");
    private static final Set<String> GENERATOR_KEYS = Set.of("name", "files", "options");
    private static final Set<String> GENERATOR_OPTIONS = Set.of("disableNameSuffixHash", "labels", "annotations");
    /** Kubernetes' rule for ConfigMap keys. */
    private static final Pattern CONFIG_MAP_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass", "IngressClass",
            "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration");
    private static final Map<String, String> MERGE_KEYS = Map.of(
            "containers", "name",
            "initContainers", "name",
            "env", "name",
            "volumes", "name",
            "imagePullSecrets", "name",
            "volumeMounts", "mountPath");
    /** Lists Kubernetes replaces whole in a strategic merge (no patch merge key). */
    private static final Set<String> ATOMIC_LISTS = Set.of("command", "args", "tls", "rules", "hosts", "paths",
            "metrics", "policies", "policyTypes", "ingress", "egress", "from", "to", "subjects", "verbs", "resources",
            "apiGroups", "resourceNames", "items", "drop", "add");

    private Kustomize() {
    }

    /** The resources {@code kubectl kustomize dir} would print. */
    static List<Map<String, Object>> build(Path dir) {
        Path file = kustomization(dir);
        Map<String, Object> kustomization = Yamls.load(file);
        for (String key : kustomization.keySet()) {
            if (!SUPPORTED.contains(key)) {
                throw new UnsupportedOperationException(file + ": '" + key + "' is not supported by the test resolver "
                        + "(deploy-tests Kustomize.java); extend it or keep the overlays simple");
            }
        }
        List<Map<String, Object>> resources = new ArrayList<>();
        for (Object entry : Yamls.list(kustomization.get("resources"))) {
            Path path = dir.resolve(String.valueOf(entry)).normalize();
            if (Files.isDirectory(path)) {
                resources.addAll(build(path));
            } else if (Files.isRegularFile(path)) {
                for (Map<String, Object> resource : Yamls.loadAll(path)) {
                    resources.add(Yamls.map(Yamls.copy(resource)));
                }
            } else {
                throw new IllegalStateException(file + ": resource " + entry + " does not exist");
            }
        }
        for (Object entry : Yamls.list(kustomization.get("configMapGenerator"))) {
            resources.add(generateConfigMap(dir, Yamls.map(entry), file));
        }
        for (Object entry : Yamls.list(kustomization.get("patches"))) {
            Map<String, Object> patch = Yamls.map(entry);
            if (!patch.keySet().equals(Set.of("path"))) {
                throw new UnsupportedOperationException(file + ": only patches with a path (and no target) are supported: " + patch);
            }
            Path path = dir.resolve(String.valueOf(patch.get("path"))).normalize();
            for (Map<String, Object> document : Yamls.loadAll(path)) {
                Map<String, Object> target = target(resources, document, path);
                merge(target, document, builtin(String.valueOf(target.get("apiVersion"))), path.toString());
            }
        }
        Object namespace = kustomization.get("namespace");
        if (namespace != null) {
            for (Map<String, Object> resource : resources) {
                if (!CLUSTER_SCOPED.contains(kind(resource))) {
                    Yamls.map(resource.get("metadata")).put("namespace", String.valueOf(namespace));
                }
            }
        }
        for (Object entry : Yamls.list(kustomization.get("images"))) {
            Map<String, Object> image = Yamls.map(entry);
            for (Map<String, Object> resource : resources) {
                for (Map<String, Object> container : containers(resource)) {
                    container.put("image", retag(String.valueOf(container.get("image")), image));
                }
            }
        }
        checkUnique(resources, file);
        return resources;
    }

    /**
     * One {@code configMapGenerator} entry: {@code name}, {@code files} ({@code path} or {@code key=path}, each inside
     * the kustomization's directory, as kustomize's default load restrictor demands; the key defaults to the file
     * name) and {@code options} with {@code labels}, {@code annotations} and {@code disableNameSuffixHash: true}.
     * Kustomize's content-hash name suffix is not implemented, so generators must disable it; literals, env files
     * and merge behaviours are refused.
     */
    static Map<String, Object> generateConfigMap(Path dir, Map<String, Object> generator, Path origin) {
        for (String key : generator.keySet()) {
            if (!GENERATOR_KEYS.contains(key)) {
                throw new UnsupportedOperationException(origin + ": configMapGenerator '" + key + "' is not supported by "
                        + "the test resolver (only name, files and options)");
            }
        }
        Object name = generator.get("name");
        if (name == null) {
            throw new IllegalStateException(origin + ": a configMapGenerator without a name");
        }
        Map<String, Object> options = Yamls.map(generator.get("options"));
        for (String key : options.keySet()) {
            if (!GENERATOR_OPTIONS.contains(key)) {
                throw new UnsupportedOperationException(origin + ": configMapGenerator option '" + key
                        + "' is not supported by the test resolver");
            }
        }
        if (!Boolean.TRUE.equals(options.get("disableNameSuffixHash"))) {
            throw new UnsupportedOperationException(origin + ": configMapGenerator " + name + " needs options."
                    + "disableNameSuffixHash: true (the test resolver does not compute kustomize's name hash)");
        }
        List<Object> files = Yamls.list(generator.get("files"));
        if (files.isEmpty()) {
            throw new IllegalStateException(origin + ": configMapGenerator " + name + " has no files");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object entry : files) {
            String spec = String.valueOf(entry);
            int equals = spec.indexOf('=');
            String relative = equals < 0 ? spec : spec.substring(equals + 1);
            Path path = dir.resolve(relative).normalize();
            String key = equals < 0 ? path.getFileName().toString() : spec.substring(0, equals);
            if (!path.startsWith(dir.normalize())) {
                throw new IllegalStateException(origin + ": configMapGenerator file " + relative + " is outside "
                        + dir + "; kustomize only reads files under the kustomization's directory");
            }
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException(origin + ": configMapGenerator file " + relative + " does not exist");
            }
            if (!CONFIG_MAP_KEY.matcher(key).matches()) {
                throw new IllegalStateException(origin + ": '" + key + "' is not a valid ConfigMap key");
            }
            if (data.put(key, Repo.read(path)) != null) {
                throw new IllegalStateException(origin + ": configMapGenerator " + name + " has the key " + key + " twice");
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", String.valueOf(name));
        for (String field : List.of("labels", "annotations")) {
            Map<String, Object> values = Yamls.map(options.get(field));
            if (!values.isEmpty()) {
                Map<String, Object> copy = new LinkedHashMap<>();
                values.forEach((key, value) -> copy.put(key, String.valueOf(value)));
                metadata.put(field, copy);
            }
        }
        Map<String, Object> configMap = new LinkedHashMap<>();
        configMap.put("apiVersion", "v1");
        configMap.put("kind", "ConfigMap");
        configMap.put("metadata", metadata);
        configMap.put("data", data);
        return configMap;
    }

    static String kind(Map<String, Object> resource) {
        return String.valueOf(resource.get("kind"));
    }

    static String name(Map<String, Object> resource) {
        return Yamls.stringAt(resource, "metadata", "name");
    }

    /** Containers and init containers of any workload's pod template (or of a bare Pod). */
    static List<Map<String, Object>> containers(Map<String, Object> resource) {
        Object podSpec = switch (kind(resource)) {
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" -> Yamls.at(resource, "spec", "template", "spec");
            case "CronJob" -> Yamls.at(resource, "spec", "jobTemplate", "spec", "template", "spec");
            case "Pod" -> Yamls.at(resource, "spec");
            default -> null;
        };
        List<Map<String, Object>> containers = new ArrayList<>();
        if (podSpec != null) {
            for (String field : List.of("initContainers", "containers")) {
                for (Object container : Yamls.listAt(podSpec, field)) {
                    containers.add(Yamls.map(container));
                }
            }
        }
        return containers;
    }

    private static Path kustomization(Path dir) {
        for (String name : List.of("kustomization.yaml", "kustomization.yml", "Kustomization")) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        throw new IllegalStateException(dir + " has no kustomization.yaml");
    }

    private static Map<String, Object> target(List<Map<String, Object>> resources, Map<String, Object> patch, Path origin) {
        List<Map<String, Object>> matches = resources.stream()
                .filter(resource -> kind(resource).equals(kind(patch)) && Objects.equals(name(resource), name(patch)))
                .toList();
        if (matches.size() != 1) {
            throw new IllegalStateException(origin + ": patch for " + kind(patch) + "/" + name(patch) + " matches "
                    + matches.size() + " resources");
        }
        return matches.get(0);
    }

    /** apps/v1, batch/v1, v1, networking.k8s.io/v1, …: kinds whose strategic-merge schema Kubernetes ships. */
    private static boolean builtin(String apiVersion) {
        if (!apiVersion.contains("/")) {
            return true;
        }
        String group = apiVersion.substring(0, apiVersion.indexOf('/'));
        return Set.of("apps", "batch", "policy", "autoscaling").contains(group) || group.endsWith(".k8s.io");
    }

    static void merge(Map<String, Object> target, Map<String, Object> patch, boolean builtin, String origin) {
        for (Map.Entry<String, Object> entry : patch.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            if (key.startsWith("$")) {
                throw new UnsupportedOperationException(origin + ": patch directive " + key + " is not supported");
            }
            if (value == null) {
                target.remove(key);
                continue;
            }
            Object current = target.get(key);
            if (value instanceof Map && current instanceof Map) {
                merge(Yamls.map(current), Yamls.map(value), builtin, origin);
            } else if (value instanceof List && current instanceof List && builtin && MERGE_KEYS.containsKey(key)) {
                mergeList(Yamls.list(current), Yamls.list(value), MERGE_KEYS.get(key), origin);
            } else if (value instanceof List && current instanceof List && builtin && !ATOMIC_LISTS.contains(key)) {
                throw new UnsupportedOperationException(origin + ": the test resolver does not know how Kubernetes "
                        + "merges the list '" + key + "'; extend Kustomize.MERGE_KEYS or ATOMIC_LISTS");
            } else {
                target.put(key, Yamls.copy(value));
            }
        }
    }

    private static void mergeList(List<Object> current, List<Object> patch, String mergeKey, String origin) {
        for (Object item : patch) {
            Map<String, Object> patchItem = Yamls.map(item);
            Object key = patchItem.get(mergeKey);
            if (key == null) {
                throw new IllegalStateException(origin + ": list item without its merge key " + mergeKey + ": " + item);
            }
            Map<String, Object> existing = null;
            for (Object candidate : current) {
                if (key.equals(Yamls.map(candidate).get(mergeKey))) {
                    existing = Yamls.map(candidate);
                }
            }
            if (existing == null) {
                current.add(Yamls.copy(patchItem));
            } else {
                merge(existing, patchItem, true, origin);
            }
        }
    }

    /** Applies one {@code images} entry: name matches the image without tag or digest. */
    static String retag(String image, Map<String, Object> entry) {
        int digest = image.indexOf('@');
        String withoutDigest = digest < 0 ? image : image.substring(0, digest);
        int colon = withoutDigest.lastIndexOf(':');
        boolean tagged = colon > withoutDigest.lastIndexOf('/');
        String name = tagged ? withoutDigest.substring(0, colon) : withoutDigest;
        String tag = tagged ? withoutDigest.substring(colon + 1) : null;
        if (!name.equals(String.valueOf(entry.get("name")))) {
            return image;
        }
        String newName = entry.get("newName") == null ? name : String.valueOf(entry.get("newName"));
        String newTag = entry.get("newTag") == null ? tag : String.valueOf(entry.get("newTag"));
        if (entry.get("digest") != null) {
            return newName + "@" + entry.get("digest");
        }
        if (entry.get("newTag") == null && digest >= 0) {
            return newName + image.substring(digest);
        }
        return newTag == null ? newName : newName + ":" + newTag;
    }

    private static void checkUnique(List<Map<String, Object>> resources, Path origin) {
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> resource : resources) {
            String id = kind(resource) + "/" + Yamls.stringAt(resource, "metadata", "namespace") + "/" + name(resource);
            if (!seen.add(id)) {
                throw new IllegalStateException(origin + ": resource " + id + " is defined twice");
            }
        }
    }
}
