package io.multistack.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A home folder: {@code etc/} (watched configuration), {@code deploy/} (drop-in bundles),
 * {@code data/} (framework storage, pid file, console socket) and {@code log/}.
 */
record Home(Path root) {

    Path etc() {
        return root.resolve("etc");
    }

    Path deploy() {
        return root.resolve("deploy");
    }

    Path data() {
        return root.resolve("data");
    }

    Path log() {
        return root.resolve("log");
    }

    /** Felix's bundle cache; wiped at every start so that etc/ alone decides the configuration. */
    Path frameworkStorage() {
        return data().resolve("cache");
    }

    Path pidFile() {
        return data().resolve("multistack.pid");
    }

    /** Served by the console bundle; the path must stay in sync with it. */
    Path consoleSocket() {
        return data().resolve("console.sock");
    }

    /** Creates the missing sub-folders; data/ is private to the owner because it holds the console socket. */
    void prepare() throws IOException {
        if (root.toString().contains(",")) {
            // FileInstall splits its directory list at commas.
            throw new IOException("the home path must not contain a comma: " + root);
        }
        for (Path dir : new Path[] {etc(), deploy(), data(), log()}) {
            Files.createDirectories(dir);
        }
        Files.setPosixFilePermissions(data(), PosixFilePermissions.fromString("rwx------"));
    }
}
