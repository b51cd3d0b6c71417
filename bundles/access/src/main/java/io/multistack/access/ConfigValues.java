package io.multistack.access;

import java.util.Map;

/** Reading typed values out of a configuration, with errors that name the key. */
final class ConfigValues {
    private ConfigValues() {}

    /** The file a configuration came from (FileInstall records it), or its PID. */
    static String source(Map<String, ?> properties) {
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
    static String instanceName(Map<String, ?> properties) {
        Object pid = properties.get("service.pid");
        String text = pid == null ? "" : pid.toString();
        int tilde = text.indexOf('~');
        return tilde >= 0 ? text.substring(tilde + 1) : text;
    }

    static String requireString(Map<String, ?> properties, String key) {
        Object value = properties.get(key);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("key '" + key + "' is missing");
        }
        if (!(value instanceof String) && !(value instanceof Number)) {
            throw new IllegalArgumentException("key '" + key + "' must be a single value, not " + value);
        }
        return value.toString().trim();
    }

    static int requireInt(Map<String, ?> properties, String key, int min, int max) {
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
}
