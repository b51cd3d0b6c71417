package io.multistack.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session state machine, command by command, without sockets. */
class SessionTest {
    static final InetAddress PEER = address("192.168.1.10");

    @TempDir
    Path root;
    FileArea area;
    Map<String, Object> configuration = new HashMap<>();
    LoginGuard guard = new LoginGuard();
    Instant now = Instant.parse("2026-11-25T18:00:00Z");
    Session session;

    static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        area = new FileArea(root);
        configuration.put("user.alice", PasswordHash.create("pw", 1000, new SecureRandom()));
        configuration.put("maxLoginFailures", "3");
        session = newSession();
        Files.writeString(root.resolve("hello.txt"), "hello");
        Files.createDirectories(root.resolve("dir/sub"));
    }

    Session newSession() {
        return new Session(area, () -> FtpSettings.from(configuration), guard, PEER, () -> now);
    }

    /** Handles a command; runs deferred work (password checks) at once; returns the outcome. */
    Outcome handle(String line) {
        try {
            Outcome outcome = session.handle(CommandParser.parse(line.getBytes(StandardCharsets.UTF_8)));
            return outcome instanceof Outcome.Deferred deferred ? deferred.work().get() : outcome;
        } catch (CommandParser.Malformed malformed) {
            return new Outcome.Send(malformed.reply());
        }
    }

    int code(String line) {
        Outcome outcome = handle(line);
        assertThat(outcome).as(line).isInstanceOf(Outcome.Send.class);
        return ((Outcome.Send) outcome).reply().code();
    }

    String text(String line) {
        return String.join("\n", ((Outcome.Send) handle(line)).reply().lines());
    }

    void login() {
        assertThat(code("USER alice")).isEqualTo(331);
        assertThat(code("PASS pw")).isEqualTo(230);
    }

    @Nested
    class BeforeLogin {
        @Test
        void greetingIs220() {
            assertThat(session.greeting().reply().code()).isEqualTo(220);
        }

        @Test
        void fileCommandsNeedALogin() {
            for (String line : new String[] {"LIST", "RETR hello.txt", "CWD dir", "PASV", "PORT 1,2,3,4,5,6",
                    "STOR x", "PWD", "SIZE hello.txt"}) {
                assertThat(code(line)).as(line).isEqualTo(530);
            }
            assertThat(code("FEAT")).isEqualTo(211);
            assertThat(code("SYST")).isEqualTo(215);
            assertThat(code("NOOP")).isEqualTo(200);
            assertThat(code("AUTH TLS")).isEqualTo(502);
        }

        @Test
        void passWithoutUserIs503() {
            assertThat(code("PASS pw")).isEqualTo(503);
        }

        @Test
        void wrongPasswordIsDelayed530AndUnknownUsersLookTheSame() {
            assertThat(code("USER alice")).isEqualTo(331);
            Outcome.Send wrong = (Outcome.Send) handle("PASS nope");
            assertThat(wrong.reply().code()).isEqualTo(530);
            assertThat(wrong.delayed()).isTrue();
            assertThat(text("USER mallory")).isEqualTo("Password required for mallory.");
            assertThat(code("PASS pw")).isEqualTo(530);
            assertThat(session.state()).isEqualTo(Session.State.NEED_USER);
        }

        @Test
        void lockoutAfterTheConfiguredFailuresPerAddressAndItsEnd() {
            configuration.put("lockoutSeconds", "60");
            for (int i = 0; i < 2; i++) {
                code("USER alice");
                assertThat(code("PASS bad")).isEqualTo(530);
            }
            code("USER alice");
            Outcome.Send third = (Outcome.Send) handle("PASS bad");
            assertThat(third.reply().code()).isEqualTo(421);
            assertThat(third.close()).isTrue();
            // even the right password is refused, and new connections are greeted with 421
            code("USER alice");
            assertThat(code("PASS pw")).isEqualTo(421);
            assertThat(newSession().greeting().reply().code()).isEqualTo(421);
            now = now.plusSeconds(61);
            assertThat(newSession().greeting().reply().code()).isEqualTo(220);
            login();
        }

        @Test
        void anonymousOnlyWhenEnabledAndReadOnly() {
            code("USER anonymous");
            assertThat(code("PASS me@example.org")).isEqualTo(530);
            configuration.put("anonymous", "true");
            assertThat(code("USER anonymous")).isEqualTo(331);
            assertThat(code("PASS me@example.org")).isEqualTo(230);
            assertThat(handle("RETR hello.txt")).isInstanceOf(Outcome.Retrieve.class);
            assertThat(code("STOR new.txt")).isEqualTo(550);
            assertThat(code("DELE hello.txt")).isEqualTo(550);
            assertThat(code("MKD x")).isEqualTo(550);
            assertThat(code("RNFR hello.txt")).isEqualTo(550);
        }

        @Test
        void quitCloses() {
            Outcome.Send quit = (Outcome.Send) handle("QUIT");
            assertThat(quit.reply().code()).isEqualTo(221);
            assertThat(quit.close()).isTrue();
        }
    }

    @Nested
    class LoggedIn {
        @BeforeEach
        void logIn() {
            login();
        }

        @Test
        void navigation() {
            assertThat(text("PWD")).isEqualTo("\"/\" is the current directory.");
            assertThat(code("CWD dir/sub")).isEqualTo(250);
            assertThat(text("PWD")).isEqualTo("\"/dir/sub\" is the current directory.");
            assertThat(code("CDUP")).isEqualTo(250);
            assertThat(session.cwd()).isEqualTo("/dir");
            assertThat(code("CWD /")).isEqualTo(250);
            assertThat(code("CDUP")).isEqualTo(550);
            assertThat(code("CWD ..")).isEqualTo(550);
            assertThat(code("CWD hello.txt")).isEqualTo(550);
            assertThat(code("CWD nowhere")).isEqualTo(550);
            assertThat(session.cwd()).isEqualTo("/");
        }

        @Test
        void typeModeStructure() {
            assertThat(code("TYPE I")).isEqualTo(200);
            assertThat(session.binary()).isTrue();
            assertThat(code("TYPE A")).isEqualTo(200);
            assertThat(code("TYPE E")).isEqualTo(504);
            assertThat(code("MODE S")).isEqualTo(200);
            assertThat(code("MODE C")).isEqualTo(504);
            assertThat(code("STRU F")).isEqualTo(200);
            assertThat(code("STRU P")).isEqualTo(504);
            assertThat(code("TYPE")).isEqualTo(501);
        }

        @Test
        void portOnlyToThePeerAndUnprivilegedPorts() {
            Outcome port = handle("PORT 192,168,1,10,156,64");
            assertThat(port).isEqualTo(new Outcome.Active(new InetSocketAddress(PEER, 40000),
                    Reply.of(200, "PORT command successful.")));
            assertThat(code("PORT 192,168,1,99,156,64")).isEqualTo(500);
            assertThat(code("PORT 192,168,1,10,0,21")).isEqualTo(500);
            assertThat(code("PORT 192,168,1,10,256,1")).isEqualTo(501);
            assertThat(code("PORT 1,2,3")).isEqualTo(501);
            assertThat(code("PORT a,b,c,d,e,f")).isEqualTo(501);
            assertThat(handle("EPRT |1|192.168.1.10|40000|")).isInstanceOf(Outcome.Active.class);
            assertThat(handle("EPRT !1!192.168.1.10!40000!")).isInstanceOf(Outcome.Active.class);
            assertThat(code("EPRT |1|10.0.0.1|40000|")).isEqualTo(500);
            assertThat(code("EPRT |2|::1|40000|")).isEqualTo(522);
            assertThat(code("EPRT |1|192.168.1.10|99999|")).isEqualTo(501);
            assertThat(code("EPRT garbage")).isEqualTo(501);
        }

        @Test
        void passiveModes() {
            assertThat(handle("PASV")).isEqualTo(new Outcome.Passive(false));
            assertThat(handle("EPSV")).isEqualTo(new Outcome.Passive(true));
            assertThat(handle("EPSV 1")).isEqualTo(new Outcome.Passive(true));
            assertThat(code("EPSV 2")).isEqualTo(522);
        }

        @Test
        void transfersAndRestart() throws Exception {
            assertThat(handle("RETR hello.txt")).isEqualTo(new Outcome.Retrieve(root.toRealPath().resolve("hello.txt"),
                    "/hello.txt", 0));
            assertThat(code("REST 3")).isEqualTo(350);
            assertThat(((Outcome.Retrieve) handle("RETR hello.txt")).offset()).isEqualTo(3);
            // REST applies to the next command only
            assertThat(((Outcome.Retrieve) handle("RETR hello.txt")).offset()).isZero();
            assertThat(code("REST 99")).isEqualTo(350);
            assertThat(code("RETR hello.txt")).isEqualTo(554);
            assertThat(code("REST x")).isEqualTo(501);
            assertThat(code("RETR dir")).isEqualTo(550);
            assertThat(code("RETR missing")).isEqualTo(550);
            assertThat(((Outcome.Store) handle("STOR new.txt")).offset()).isZero();
            assertThat(((Outcome.Store) handle("APPE hello.txt")).offset()).isEqualTo(5);
            code("REST 2");
            assertThat(((Outcome.Store) handle("STOR hello.txt")).offset()).isEqualTo(2);
            assertThat(code("STOR dir")).isEqualTo(553);
            assertThat(code("STOR nodir/x")).isEqualTo(553);
            assertThat(code("STOR ../x")).isEqualTo(550);
            assertThat(handle("ABOR")).isInstanceOf(Outcome.Abort.class);
        }

        @Test
        void listingsInThreeForms() {
            String nlst = new String(((Outcome.SendListing) handle("NLST")).content(), StandardCharsets.UTF_8);
            assertThat(nlst).isEqualTo("dir\r\nhello.txt\r\n");
            String list = new String(((Outcome.SendListing) handle("LIST -la")).content(), StandardCharsets.UTF_8);
            assertThat(list).contains("drwxr-xr-x").contains(" 5 ").endsWith(" hello.txt\r\n");
            String mlsd = new String(((Outcome.SendListing) handle("MLSD")).content(), StandardCharsets.UTF_8);
            assertThat(mlsd).contains("type=dir;").contains("type=file;size=5;");
            assertThat(code("MLSD hello.txt")).isEqualTo(501);
            assertThat(text("MLST hello.txt")).contains("type=file;size=5;").contains(" /hello.txt");
            assertThat(code("LIST nowhere")).isEqualTo(550);
            assertThat(text("SIZE hello.txt")).isEqualTo("5");
            assertThat(code("SIZE dir")).isEqualTo(550);
            assertThat(text("MDTM hello.txt")).matches("\\d{14}");
            assertThat(code("STAT")).isEqualTo(211);
            assertThat(code("STAT hello.txt")).isEqualTo(213);
        }

        @Test
        void fileSystemChanges() throws Exception {
            assertThat(text("MKD new \"quoted\"")).isEqualTo("\"/new \"\"quoted\"\"\" created.");
            assertThat(code("MKD dir")).isEqualTo(550);
            assertThat(code("RMD dir")).isEqualTo(550); // not empty
            assertThat(code("RMD dir/sub")).isEqualTo(250);
            assertThat(code("RNTO x")).isEqualTo(503);
            assertThat(code("RNFR hello.txt")).isEqualTo(350);
            assertThat(code("RNTO dir/renamed.txt")).isEqualTo(250);
            assertThat(root.resolve("dir/renamed.txt")).hasContent("hello");
            assertThat(code("RNFR dir")).isEqualTo(350);
            assertThat(code("RNTO dir/inside")).isEqualTo(553);
            assertThat(code("RNFR missing")).isEqualTo(550);
            assertThat(code("DELE dir")).isEqualTo(550);
            assertThat(code("DELE dir/renamed.txt")).isEqualTo(250);
            assertThat(code("RMD /")).isEqualTo(550);
            assertThat(code("DELE ../../etc/passwd")).isEqualTo(550);
        }

        @Test
        void featuresAndOptions() {
            assertThat(text("FEAT")).contains("EPSV").contains("MLST type*;size*;modify*;perm*;")
                    .contains("REST STREAM").contains("UTF8").contains("SIZE").contains("MDTM");
            assertThat(code("OPTS UTF8 ON")).isEqualTo(200);
            assertThat(code("OPTS MLST type;size;")).isEqualTo(200);
            assertThat(code("OPTS FOO")).isEqualTo(501);
            assertThat(code("HELP")).isEqualTo(214);
        }

        @Test
        void randomCommandLinesAreAnsweredNeverThrown() {
            Random random = new Random(7);
            String[] verbs = {"CWD", "RETR", "STOR", "PORT", "EPRT", "REST", "RNFR", "RNTO", "MKD", "RMD", "DELE",
                    "LIST", "MLST", "SIZE", "MDTM", "TYPE", "OPTS", "STAT", "XYZ", "USER", "PASS"};
            String alphabet = "./|,0123456789 abc\u00fc\"\\-";
            for (int i = 0; i < 5_000; i++) {
                StringBuilder argument = new StringBuilder();
                for (int n = random.nextInt(20); n > 0; n--) {
                    argument.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                Outcome outcome = handle(verbs[random.nextInt(verbs.length)] + " " + argument);
                assertThat(outcome).isNotNull();
                if (outcome instanceof Outcome.Send send) {
                    assertThat(send.reply().code()).isBetween(200, 599);
                }
            }
            assertThat(Files.exists(root.getParent().resolve("abc"))).isFalse();
        }
    }

    @Test
    void loginGuardCountsPerAddress() {
        LoginGuard g = new LoginGuard();
        InetAddress other = address("192.168.1.11");
        assertThat(g.failed(PEER, now, 2, Duration.ofSeconds(10))).isFalse();
        assertThat(g.failed(PEER, now, 2, Duration.ofSeconds(10))).isTrue();
        assertThat(g.lockedOut(PEER, now.plusSeconds(9))).isTrue();
        assertThat(g.lockedOut(other, now)).isFalse();
        assertThat(g.lockedOut(PEER, now.plusSeconds(10))).isFalse();
        assertThat(g.size()).isZero();
    }
}
