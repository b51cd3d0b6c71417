package io.multistack.ftp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A minimal FTP client for tests: one control connection, replies read whole (multi-line too). */
final class FtpClient implements AutoCloseable {
    private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");

    private final Socket control;
    private final BufferedReader in;
    private final OutputStream out;

    FtpClient(int port) throws IOException {
        control = new Socket(InetAddress.getLoopbackAddress(), port);
        control.setSoTimeout(10_000);
        in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.UTF_8));
        out = control.getOutputStream();
    }

    /** The next reply; its last line, e.g. {@code 226 Transfer complete.}. */
    String reply() throws IOException {
        String line = in.readLine();
        if (line == null) {
            return "EOF";
        }
        if (line.length() > 3 && line.charAt(3) == '-') {
            String end = line.substring(0, 3) + " ";
            while (line != null && !line.startsWith(end)) {
                line = in.readLine();
            }
        }
        return line == null ? "EOF" : line;
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    String command(String line) throws IOException {
        send(line);
        return reply();
    }

    void login(String user, String password) throws IOException {
        assertCode(reply(), 220);
        assertCode(command("USER " + user), 331);
        assertCode(command("PASS " + password), 230);
    }

    /** EPSV, then a connected data socket. */
    Socket passive() throws IOException {
        String reply = command("EPSV");
        assertCode(reply, 229);
        Matcher port = EPSV.matcher(reply);
        if (!port.find()) {
            throw new AssertionError("no port in " + reply);
        }
        Socket data = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(port.group(1)));
        data.setSoTimeout(10_000);
        return data;
    }

    static void assertCode(String reply, int code) {
        if (!reply.startsWith(code + " ")) {
            throw new AssertionError("expected " + code + ", got: " + reply);
        }
    }

    void abortConnection() throws IOException {
        control.setSoLinger(true, 0);
        control.close();
    }

    @Override
    public void close() throws IOException {
        control.close();
    }
}
