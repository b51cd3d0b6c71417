package io.multistack.console;

/** What the console sends back for one command: a status and the text the command printed. */
record Reply(Status status, String output) {

    /** The status codes of the wire protocol (see {@link ConsoleProtocol}). */
    enum Status {
        OK(0),
        FAILED(1),
        REJECTED(2),
        TIMED_OUT(3);

        final int code;

        Status(int code) {
            this.code = code;
        }
    }

    static Reply rejected(String why) {
        return new Reply(Status.REJECTED, "console: " + why + "\n");
    }
}
