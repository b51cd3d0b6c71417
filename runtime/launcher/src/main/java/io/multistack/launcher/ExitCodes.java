package io.multistack.launcher;

/** Process exit statuses of the launcher, in one place so the script and the docs agree. */
final class ExitCodes {
    static final int OK = 0;
    /** The framework or the client's command failed. */
    static final int FAILED = 1;
    /** Bad arguments, or the appliance is not running / already running. */
    static final int USAGE = 2;

    private ExitCodes() {
    }
}
