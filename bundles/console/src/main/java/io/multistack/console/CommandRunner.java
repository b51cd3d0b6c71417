package io.multistack.console;

/** Runs one shell command to completion and captures what it printed. */
@FunctionalInterface
interface CommandRunner {

    /** Never throws for a failing command: the failure is a {@link Reply.Status#FAILED} reply. */
    Reply execute(String command);
}
