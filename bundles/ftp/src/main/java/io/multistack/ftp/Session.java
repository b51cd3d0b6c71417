package io.multistack.ftp;

import io.multistack.ftp.FileArea.Refused;
import io.multistack.ftp.FileArea.Resolved;
import io.multistack.ftp.Outcome.Send;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The state of one FTP control connection and what each command does to it, with no I/O
 * of its own: it answers with {@link Outcome}s that the control handler carries out, so
 * every command can be tested without sockets. File-system commands (DELE, MKD, ...) act
 * here directly on the tenant's {@link FileArea}.
 */
final class Session {
    static final List<String> FEATURES = List.of("EPRT", "EPSV", "MDTM", "MLST type*;size*;modify*;perm*;",
            "PASV", "REST STREAM", "SIZE", "TVFS", "UTF8");
    private static final List<String> IMPLEMENTED = List.of("ABOR", "ACCT", "ALLO", "APPE", "CDUP", "CWD", "DELE",
            "EPRT", "EPSV", "FEAT", "HELP", "LIST", "MDTM", "MKD", "MLSD", "MLST", "MODE", "NLST", "NOOP", "OPTS",
            "PASS", "PASV", "PORT", "PWD", "QUIT", "REST", "RETR", "RMD", "RNFR", "RNTO", "SIZE", "STAT", "STOR",
            "STRU", "SYST", "TYPE", "USER", "XCUP", "XCWD", "XMKD", "XPWD", "XRMD");
    private static final List<String> BEFORE_LOGIN = List.of("USER", "PASS", "QUIT", "FEAT", "SYST", "HELP", "NOOP",
            "OPTS", "AUTH", "ABOR");
    private static final Reply LOGIN_FIRST = Reply.of(530, "Please login with USER and PASS.");

    enum State { NEED_USER, NEED_PASSWORD, LOGGED_IN }

    private final FileArea area;
    private final Supplier<FtpSettings> settings;
    private final LoginGuard guard;
    private final InetAddress peer;
    private final Supplier<Instant> clock;

    private State state = State.NEED_USER;
    private String user;
    private boolean readOnly;
    private String cwd = "/";
    private long restOffset;
    private Resolved renameFrom;
    private boolean binary;

    Session(FileArea area, Supplier<FtpSettings> settings, LoginGuard guard, InetAddress peer,
            Supplier<Instant> clock) {
        this.area = area;
        this.settings = settings;
        this.guard = guard;
        this.peer = peer;
        this.clock = clock;
    }

    State state() {
        return state;
    }

    String user() {
        return user;
    }

    String cwd() {
        return cwd;
    }

    /** The reply to a new connection: 220, or 421 when the client's address is locked out. */
    Send greeting() {
        if (guard.lockedOut(peer, clock.get())) {
            return new Send(Reply.of(421, "Too many failed logins from your address, try later."), false, true);
        }
        return new Send(Reply.of(220, "multistack FTP server ready."));
    }

    Outcome handle(Command command) {
        String verb = command.verb();
        // REST and RNFR affect only the command right after them
        long offset = restOffset;
        restOffset = 0;
        Resolved from = renameFrom;
        renameFrom = null;
        if (state != State.LOGGED_IN && !BEFORE_LOGIN.contains(verb)) {
            return new Send(IMPLEMENTED.contains(verb) ? LOGIN_FIRST : Reply.of(500, "Unknown command."));
        }
        try {
            return dispatch(command, offset, from);
        } catch (MissingArgument missing) {
            return send(501, missing.getMessage());
        } catch (Refused refused) {
            return send(550, refused.getMessage());
        } catch (NoSuchFileException missing) {
            return send(550, "No such file or directory.");
        } catch (IOException failed) {
            return send(550, "Failed: " + failed.getClass().getSimpleName() + ".");
        } catch (RuntimeException bug) {
            // a mistake here must not take the connection or the server down
            return send(451, "Local error in processing.");
        }
    }

    private Outcome dispatch(Command command, long offset, Resolved from) throws Refused, IOException {
        String arg = command.argument();
        return switch (command.verb()) {
            case "USER" -> user(arg);
            case "PASS" -> password(arg);
            case "QUIT" -> new Send(Reply.of(221, "Goodbye."), false, true);
            case "NOOP" -> send(200, "NOOP ok.");
            case "SYST" -> send(215, "UNIX Type: L8");
            case "FEAT" -> new Send(Reply.multi(211, "Features:", FEATURES, "End"));
            case "HELP" -> new Send(Reply.multi(214, "The following commands are recognized.",
                    List.of(String.join(" ", IMPLEMENTED)), "Help OK."));
            case "OPTS" -> options(arg);
            case "AUTH", "PBSZ", "PROT", "SITE", "SMNT", "REIN", "STOU", "ADAT", "CCC" ->
                    send(502, "Command not implemented.");
            case "ACCT" -> send(202, "No account needed.");
            case "ALLO" -> send(202, "No storage allocation needed.");
            case "ABOR" -> new Outcome.Abort();
            case "PWD", "XPWD" -> send(257, quote(cwd) + " is the current directory.");
            case "CWD", "XCWD" -> changeDirectory(required(arg));
            case "CDUP", "XCUP" -> changeDirectory("..");
            case "TYPE" -> type(required(arg));
            case "MODE" -> required(arg).equalsIgnoreCase("S") ? send(200, "Mode set to S.")
                    : send(504, "Only stream mode is supported.");
            case "STRU" -> required(arg).equalsIgnoreCase("F") ? send(200, "Structure set to F.")
                    : send(504, "Only file structure is supported.");
            case "PASV" -> new Outcome.Passive(false);
            case "EPSV" -> extendedPassive(arg);
            case "PORT" -> port(required(arg));
            case "EPRT" -> extendedPort(required(arg));
            case "REST" -> restart(required(arg));
            case "LIST" -> listing(arg, Listing.Form.LIST);
            case "NLST" -> listing(arg, Listing.Form.NLST);
            case "MLSD" -> listing(arg, Listing.Form.MLSD);
            case "MLST" -> machineListSingle(arg);
            case "STAT" -> status(arg);
            case "SIZE" -> size(required(arg));
            case "MDTM" -> modificationTime(required(arg));
            case "RETR" -> retrieve(required(arg), offset);
            case "STOR" -> store(required(arg), offset, false);
            case "APPE" -> store(required(arg), offset, true);
            case "DELE" -> delete(required(arg));
            case "MKD", "XMKD" -> makeDirectory(required(arg));
            case "RMD", "XRMD" -> removeDirectory(required(arg));
            case "RNFR" -> renameFrom(required(arg));
            case "RNTO" -> renameTo(required(arg), from);
            default -> send(500, "Unknown command.");
        };
    }

    private static String required(String argument) throws MissingArgument {
        if (argument.isBlank()) {
            throw new MissingArgument();
        }
        return argument;
    }

    // ---- login

    private Outcome user(String name) {
        if (name.isBlank()) {
            return send(501, "Syntax error: USER needs a name.");
        }
        state = State.NEED_PASSWORD;
        user = name;
        readOnly = false;
        cwd = "/";
        if (anonymousName(name) && settings.get().anonymous()) {
            return send(331, "Anonymous login ok, send your e-mail address as password.");
        }
        // the same answer for unknown users: no hint which names exist
        return send(331, "Password required for " + name + ".");
    }

    private static boolean anonymousName(String name) {
        return name.equals("anonymous") || name.equals("ftp");
    }

    private Outcome password(String password) {
        if (state != State.NEED_PASSWORD) {
            return send(503, state == State.LOGGED_IN ? "Already logged in." : "Login with USER first.");
        }
        FtpSettings current = settings.get();
        Instant now = clock.get();
        if (guard.lockedOut(peer, now)) {
            state = State.NEED_USER;
            return new Send(Reply.of(421, "Too many failed logins from your address, try later."), true, true);
        }
        if (anonymousName(user) && current.anonymous()) {
            return loggedIn(true, "Anonymous access granted, read only.");
        }
        String stored = current.users().get(user);
        // hashing takes tens of milliseconds: off the event loop
        return new Outcome.Deferred(() -> {
            boolean matches = stored != null ? PasswordHash.matches(password, stored)
                    : dummyCheck(password);
            if (matches) {
                return loggedIn(false, "User " + user + " logged in.");
            }
            state = State.NEED_USER;
            boolean locked = guard.failed(peer, clock.get(), current.maxLoginFailures(), current.lockout());
            return locked ? new Send(Reply.of(421, "Too many failed logins from your address, try later."), true, true)
                    : new Send(Reply.of(530, "Login incorrect."), true, false);
        });
    }

    /** Spends the time a real check takes, so unknown users answer as slowly as known ones. */
    private static boolean dummyCheck(String password) {
        PasswordHash.matches(password, DUMMY_HASH);
        return false;
    }

    private static final String DUMMY_HASH = "pbkdf2$" + PasswordHash.ITERATIONS
            + "$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private Outcome loggedIn(boolean anonymous, String text) {
        state = State.LOGGED_IN;
        readOnly = anonymous;
        cwd = "/";
        guard.succeeded(peer);
        return send(230, text);
    }

    private Outcome options(String arg) {
        String upper = arg.trim().toUpperCase(Locale.ROOT);
        if (upper.equals("UTF8 ON") || upper.equals("UTF8") || upper.equals("UTF-8 ON")) {
            return send(200, "Always in UTF8 mode.");
        }
        if (upper.startsWith("MLST")) {
            return send(200, "MLST OPTS type;size;modify;perm;");
        }
        return send(501, "Option not understood.");
    }

    // ---- navigation and settings

    private Outcome changeDirectory(String name) throws Refused {
        Resolved target = area.resolve(cwd, name);
        if (!Files.isDirectory(target.file())) {
            return send(550, "No such directory.");
        }
        cwd = target.virtual();
        return send(250, "Directory changed to " + cwd + ".");
    }

    private Outcome type(String arg) {
        String upper = arg.trim().toUpperCase(Locale.ROOT);
        switch (upper) {
            case "A", "A N" -> {
                binary = false;
                return send(200, "Type set to A.");
            }
            case "I", "L 8", "L8" -> {
                binary = true;
                return send(200, "Type set to I.");
            }
            default -> {
                return send(504, "Type not supported.");
            }
        }
    }

    boolean binary() {
        return binary;
    }

    private Outcome extendedPassive(String arg) {
        String upper = arg.trim().toUpperCase(Locale.ROOT);
        if (upper.isEmpty() || upper.equals("1")) {
            return new Outcome.Passive(true);
        }
        if (upper.equals("ALL")) {
            return send(200, "EPSV ALL ok.");
        }
        return send(522, "Network protocol not supported, use (1)");
    }

    /** PORT h1,h2,h3,h4,p1,p2: only to the client's own address and an unprivileged port (no FTP bounce). */
    private Outcome port(String arg) {
        String[] parts = arg.trim().split(",");
        if (parts.length != 6) {
            return send(501, "Syntax error in PORT parameters.");
        }
        int[] numbers = new int[6];
        for (int i = 0; i < 6; i++) {
            if (!parts[i].trim().matches("\\d{1,3}") || (numbers[i] = Integer.parseInt(parts[i].trim())) > 255) {
                return send(501, "Syntax error in PORT parameters.");
            }
        }
        byte[] address = {(byte) numbers[0], (byte) numbers[1], (byte) numbers[2], (byte) numbers[3]};
        return active(address, numbers[4] * 256 + numbers[5]);
    }

    /** EPRT |1|address|port| (RFC 2428); other delimiters allowed, only IPv4. */
    private Outcome extendedPort(String arg) {
        String text = arg.trim();
        if (text.length() < 7) {
            return send(501, "Syntax error in EPRT parameters.");
        }
        char delimiter = text.charAt(0);
        String[] parts = text.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1);
        if (parts.length != 5 || !parts[0].isEmpty() || !parts[4].isEmpty() || !parts[3].matches("\\d{1,5}")) {
            return send(501, "Syntax error in EPRT parameters.");
        }
        if (!parts[1].equals("1")) {
            return send(522, "Network protocol not supported, use (1)");
        }
        if (!parts[2].matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return send(501, "Syntax error in EPRT parameters.");
        }
        byte[] address = new byte[4];
        String[] octets = parts[2].split("\\.");
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(octets[i]);
            if (octet > 255) {
                return send(501, "Syntax error in EPRT parameters.");
            }
            address[i] = (byte) octet;
        }
        int port = Integer.parseInt(parts[3]);
        if (port > 65535) {
            return send(501, "Syntax error in EPRT parameters.");
        }
        return active(address, port);
    }

    private Outcome active(byte[] address, int port) {
        InetAddress target;
        try {
            target = InetAddress.getByAddress(address);
        } catch (UnknownHostException impossible) {
            return send(501, "Bad address.");
        }
        if (!target.equals(peer)) {
            return send(500, "Illegal PORT command: data connections go to the client's own address only.");
        }
        if (port < 1024) {
            return send(500, "Illegal PORT command: privileged port.");
        }
        return new Outcome.Active(new InetSocketAddress(target, port), Reply.of(200, "PORT command successful."));
    }

    private Outcome restart(String arg) {
        if (!arg.trim().matches("\\d{1,18}")) {
            return send(501, "REST needs a byte offset.");
        }
        restOffset = Long.parseLong(arg.trim());
        return send(350, "Restarting at " + restOffset + ". Send STOR or RETR.");
    }

    // ---- listings and information

    private Outcome listing(String arg, Listing.Form form) throws Refused, IOException {
        Resolved target = area.resolve(cwd, withoutOptions(arg));
        if (!Files.exists(target.file())) {
            return send(550, "No such file or directory.");
        }
        if (form == Listing.Form.MLSD && !Files.isDirectory(target.file())) {
            return send(501, "MLSD needs a directory.");
        }
        List<String> lines = Listing.lines(area, target.file(), form, !readOnly, clock.get());
        StringBuilder content = new StringBuilder();
        lines.forEach(line -> content.append(line).append("\r\n"));
        return new Outcome.SendListing(content.toString().getBytes(StandardCharsets.UTF_8), target.virtual());
    }

    /** LIST -la, NLST -a: clients send ls options; the listing is the same without them. */
    private static String withoutOptions(String arg) {
        String rest = arg.trim();
        while (rest.startsWith("-")) {
            int space = rest.indexOf(' ');
            rest = space < 0 ? "" : rest.substring(space + 1).trim();
        }
        return rest;
    }

    private Outcome machineListSingle(String arg) throws Refused, IOException {
        Resolved target = area.resolve(cwd, arg);
        if (!Files.exists(target.file())) {
            return send(550, "No such file or directory.");
        }
        BasicFileAttributes attributes = Files.readAttributes(target.file(), BasicFileAttributes.class);
        return new Send(Reply.multi(250, "Listing " + target.virtual(),
                List.of(Listing.facts(attributes, !readOnly) + " " + target.virtual()), "End"));
    }

    private Outcome status(String arg) throws Refused, IOException {
        if (arg.isBlank()) {
            return new Send(Reply.multi(211, "multistack FTP server status:", List.of(
                    "Logged in as " + user + (readOnly ? " (read only)" : ""),
                    "TYPE: " + (binary ? "BINARY" : "ASCII") + ", MODE: STREAM, STRU: FILE",
                    "Working directory " + cwd), "End of status"));
        }
        Resolved target = area.resolve(cwd, withoutOptions(arg));
        if (!Files.exists(target.file())) {
            return send(550, "No such file or directory.");
        }
        return new Send(Reply.multi(213, "Status of " + target.virtual() + ":",
                Listing.lines(area, target.file(), Listing.Form.LIST, !readOnly, clock.get()), "End of status"));
    }

    private Outcome size(String arg) throws Refused, IOException {
        Resolved target = area.resolve(cwd, arg);
        if (!Files.isRegularFile(target.file())) {
            return send(550, "Not a plain file.");
        }
        return send(213, String.valueOf(Files.size(target.file())));
    }

    private Outcome modificationTime(String arg) throws Refused, IOException {
        Resolved target = area.resolve(cwd, arg);
        if (!Files.exists(target.file())) {
            return send(550, "No such file or directory.");
        }
        return send(213, Listing.MODIFY.format(Files.getLastModifiedTime(target.file()).toInstant()));
    }

    // ---- transfers

    private Outcome retrieve(String arg, long offset) throws Refused, IOException {
        Resolved target = area.resolve(cwd, arg);
        if (!Files.isRegularFile(target.file())) {
            return send(550, "Not a plain file.");
        }
        if (offset > Files.size(target.file())) {
            return send(554, "Invalid REST parameter: beyond the end of the file.");
        }
        return new Outcome.Retrieve(target.file(), target.virtual(), offset);
    }

    private Outcome store(String arg, long restOffset, boolean append) throws Refused, IOException {
        if (readOnly) {
            return send(550, "Permission denied: read-only access.");
        }
        Resolved target = area.resolve(cwd, arg);
        if (target.virtual().equals("/") || Files.isDirectory(target.file())) {
            return send(553, "Cannot store over a directory.");
        }
        if (!Files.isDirectory(target.file().getParent())) {
            return send(553, "No such directory.");
        }
        long existing = Files.isRegularFile(target.file()) ? Files.size(target.file()) : 0;
        long offset = append ? existing : restOffset;
        if (offset > existing) {
            return send(554, "Invalid REST parameter: beyond the end of the file.");
        }
        return new Outcome.Store(target.file(), target.virtual(), offset);
    }

    // ---- file system changes

    private Outcome delete(String arg) throws Refused, IOException {
        if (readOnly) {
            return send(550, "Permission denied: read-only access.");
        }
        Resolved target = area.resolve(cwd, arg);
        if (!Files.isRegularFile(target.file(), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && !Files.isSymbolicLink(target.file())) {
            return send(550, "Not a plain file.");
        }
        Files.delete(target.file());
        return send(250, "Deleted " + target.virtual() + ".");
    }

    private Outcome makeDirectory(String arg) throws Refused, IOException {
        if (readOnly) {
            return send(550, "Permission denied: read-only access.");
        }
        Resolved target = area.resolve(cwd, arg);
        try {
            Files.createDirectory(target.file());
        } catch (FileAlreadyExistsException exists) {
            return send(550, "Already exists.");
        }
        return send(257, quote(target.virtual()) + " created.");
    }

    private Outcome removeDirectory(String arg) throws Refused, IOException {
        if (readOnly) {
            return send(550, "Permission denied: read-only access.");
        }
        Resolved target = area.resolve(cwd, arg);
        if (target.virtual().equals("/") || !Files.isDirectory(target.file(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return send(550, "Not a directory.");
        }
        try {
            Files.delete(target.file());
        } catch (DirectoryNotEmptyException notEmpty) {
            return send(550, "Directory not empty.");
        }
        if ((cwd + "/").startsWith(target.virtual() + "/")) {
            cwd = "/";
        }
        return send(250, "Removed " + target.virtual() + ".");
    }

    private Outcome renameFrom(String arg) throws Refused {
        if (readOnly) {
            return send(550, "Permission denied: read-only access.");
        }
        Resolved source = area.resolve(cwd, arg);
        if (source.virtual().equals("/") || !Files.exists(source.file(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return send(550, "No such file or directory.");
        }
        renameFrom = source;
        return send(350, "Ready for RNTO.");
    }

    private Outcome renameTo(String arg, Resolved source) throws Refused, IOException {
        if (source == null) {
            return send(503, "RNFR first.");
        }
        Resolved target = area.resolve(cwd, arg);
        if (target.virtual().equals("/") || (target.virtual() + "/").startsWith(source.virtual() + "/")) {
            return send(553, "Cannot rename into itself.");
        }
        Files.move(source.file(), target.file(), StandardCopyOption.ATOMIC_MOVE);
        return send(250, "Renamed to " + target.virtual() + ".");
    }

    // ---- helpers

    /** A path in a 257 reply: quoted, embedded quotes doubled (RFC 959). */
    private static String quote(String path) {
        return "\"" + path.replace("\"", "\"\"") + "\"";
    }

    private static Send send(int code, String text) {
        return new Send(Reply.of(code, text));
    }

    /** A command sent without the argument it needs: 501. */
    private static final class MissingArgument extends Refused {
        MissingArgument() {
            super("Syntax error in parameters or arguments.");
        }
    }
}
