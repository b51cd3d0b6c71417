package io.multistack.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reading typed values out of a configuration, with errors that name the key. */
public final class ConfigValues {
    private ConfigValues() {}

    /** The file a configuration came from (FileInstall records it), or its PID. */
    public static String source(Map<String, ?> properties) {
        Object file = properties.get("felix.fileinstall.filename");
        if (file != null) {
            String text = file.toString();
            int slash = text.lastIndexOf('/');
            return "etc/" + (slash >= 0 ? text.substring(slash + 1) : text);
        }
        Object pid = properties.get("service.pid");
        return pid == null ? "(configuration)" : "configuration " + pid;
    }

    /** The part after '~' of a named factory configuration's PID. */
    public static String instanceName(Map<String, ?> properties) {
        Object pid = properties.get("service.pid");
        String text = pid == null ? "" : pid.toString();
        int tilde = text.indexOf('~');
        return tilde >= 0 ? text.substring(tilde + 1) : text;
    }

    public static String requireString(Map<String, ?> properties, String key) {
        Object value = properties.get(key);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("key '" + key + "' is missing");
        }
        if (!(value instanceof String) && !(value instanceof Number)) {
            throw new IllegalArgumentException("key '" + key + "' must be a single value, not " + value);
        }
        return value.toString().trim();
    }

    public static int requireInt(Map<String, ?> properties, String key, int min, int max) {
        String text = requireString(properties, key);
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException("key '" + key + "': '" + text + "' is not a whole number");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException("key '" + key + "': " + value + " is outside " + min + ".." + max);
        }
        return value;
    }

    /** An optional single value, trimmed; empty when absent or blank. */
    public static Optional<String> optionalString(Map<String, ?> properties, String key) {
        Object value = properties.get(key);
        if (value == null || value.toString().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(requireString(properties, key));
    }

    /** A list given as a comma-separated string, an array or a collection; empty when absent. */
    public static List<String> stringList(Map<String, ?> properties, String key) {
        Object value = properties.get(key);
        List<String> items = new ArrayList<>();
        if (value == null) {
            return items;
        }
        Collection<?> parts = value instanceof Collection<?> c ? c
                : value instanceof Object[] array ? List.of(array)
                : List.of(value.toString().split(","));
        for (Object part : parts) {
            String item = String.valueOf(part).trim();
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        return items;
    }

    /**
     * Keys that are neither ours nor set by the framework, ConfigAdmin or FileInstall:
     * most often a typo that an operator wants to hear about.
     */
    public static Set<String> unknownKeys(Map<String, ?> properties, Set<String> known) {
        Set<String> unknown = new TreeSet<>();
        for (String key : properties.keySet()) {
            if (!known.contains(key) && !key.startsWith("service.") && !key.startsWith("component.")
                    && !key.startsWith("felix.") && !key.startsWith("osgi.") && !key.startsWith(".")) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    /**
     * An optional whole number: the fallback when absent; a Number as it is (ConfigurationAdmin),
     * text parsed strictly (a .cfg file).
     */
    public static long longOr(Map<String, ?> properties, String key, long fallback) {
        Object value = properties.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number number) {
            return number.longValue();
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException("key '" + key + "': '" + value + "' is not a whole number");
        }
    }

    /** {@link #longOr} within the int range. */
    public static int intOr(Map<String, ?> properties, String key, int fallback) {
        long value = longOr(properties, key, fallback);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("key '" + key + "': " + value + " is too large");
        }
        return (int) value;
    }

    /** An optional flag: true/yes/on or false/no/off, any case; the fallback when absent. */
    public static boolean flagOr(Map<String, ?> properties, String key, boolean fallback) {
        Object value = properties.get(key);
        if (value == null) {
            return fallback;
        }
        return switch (value.toString().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("key '" + key + "': '" + value + "' is not true or false");
        };
    }
}
