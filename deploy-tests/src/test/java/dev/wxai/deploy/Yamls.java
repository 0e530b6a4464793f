package dev.wxai.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** YAML reading (SnakeYAML, safe types only, duplicate keys refused) and navigation in the parsed trees. */
final class Yamls {

    private Yamls() {
    }

    /** Every non-empty document of a (multi-document) YAML file; each must be a mapping. */
    static List<Map<String, Object>> loadAll(Path file) {
        return loadAll(Repo.read(file), file.toString());
    }

    static List<Map<String, Object>> loadAll(String text, String origin) {
        List<Map<String, Object>> documents = new ArrayList<>();
        try {
            for (Object document : yaml().loadAll(text)) {
                if (document == null) {
                    continue;
                }
                if (!(document instanceof Map)) {
                    throw new IllegalStateException(origin + ": a YAML document is not a mapping: " + document);
                }
                documents.add(map(document));
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException(origin + ": not valid YAML: " + e.getMessage(), e);
        }
        return documents;
    }

    /** The one document of a YAML file. */
    static Map<String, Object> load(Path file) {
        List<Map<String, Object>> documents = loadAll(file);
        if (documents.size() != 1) {
            throw new IllegalStateException(file + ": expected one YAML document, found " + documents.size());
        }
        return documents.get(0);
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(64 * 1024 * 1024);
        return new Yaml(new SafeConstructor(options));
    }

    /**
     * Spring's view of a YAML tree: {@code a.b.c} for nested keys, {@code a.b[0]} for list items, a key written as
     * {@code "[KEY]"} appended as is ({@code a.b[KEY]}). Empty maps and lists are kept as leaves.
     */
    static Map<String, Object> flatten(Map<String, Object> tree) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", tree, flat);
        return flat;
    }

    private static void flatten(String prefix, Object node, Map<String, Object> flat) {
        if (node instanceof Map<?, ?> mapping && !(mapping.isEmpty() && !prefix.isEmpty())) {
            for (Map.Entry<?, ?> entry : mapping.entrySet()) {
                String key = String.valueOf(entry.getKey());
                String path = prefix.isEmpty() ? key : key.startsWith("[") ? prefix + key : prefix + "." + key;
                flatten(path, entry.getValue(), flat);
            }
        } else if (node instanceof List<?> list && !list.isEmpty()) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), flat);
            }
        } else {
            flat.put(prefix, node);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map)) {
            throw new IllegalStateException("expected a mapping, found: " + node);
        }
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof List)) {
            throw new IllegalStateException("expected a list, found: " + node);
        }
        return (List<Object>) node;
    }

    /** The node at a path of keys, or null when any step is missing. */
    static Object at(Object root, String... keys) {
        Object node = root;
        for (String key : keys) {
            if (!(node instanceof Map<?, ?> mapping)) {
                return null;
            }
            node = mapping.get(key);
        }
        return node;
    }

    static Map<String, Object> mapAt(Object root, String... keys) {
        return map(at(root, keys));
    }

    static List<Object> listAt(Object root, String... keys) {
        return list(at(root, keys));
    }

    /** The string at a path, or null; numbers and booleans are rendered as text. */
    static String stringAt(Object root, String... keys) {
        Object value = at(root, keys);
        return value == null ? null : String.valueOf(value);
    }

    /** A deep copy of a parsed tree (maps and lists copied, scalars shared). */
    static Object copy(Object node) {
        if (node instanceof Map<?, ?> mapping) {
            Map<String, Object> copy = new LinkedHashMap<>();
            mapping.forEach((key, value) -> copy.put(String.valueOf(key), copy(value)));
            return copy;
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(copy(item)));
            return copy;
        }
        return node;
    }
}
