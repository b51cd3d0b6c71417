package io.multistack.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** {@code data/multistack.pid}: tells scripts which process to signal, and stops a second appliance on the same home. */
record PidFile(Path path) {

    /** The pid recorded by an appliance that is still alive, if any (a stale file is ignored). */
    Optional<Long> livingOwner() {
        try {
            long pid = Long.parseLong(Files.readString(path, StandardCharsets.US_ASCII).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    void writeCurrent() throws IOException {
        Files.writeString(path, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
    }

    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Nothing to do on the way out; a stale file is ignored at the next start.
        }
    }
}
