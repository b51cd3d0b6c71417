package io.multistack.ftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FtpSettingsTest {
    @Test
    void defaultsWhenNothingIsSet() {
        assertThat(FtpSettings.from(Map.of())).isEqualTo(FtpSettings.DEFAULTS);
    }

    @Test
    void stringsFromFilesAndUsersWithWellFormedHashes() {
        String hash = PasswordHash.create("pw", 1000, new java.security.SecureRandom());
        FtpSettings settings = FtpSettings.from(Map.of("port", "2121", "anonymous", "yes", "idleTimeoutSeconds", "7",
                "user.alice", hash, "user.broken", "plain-text", "tenant", "A"));
        assertThat(settings.port()).isEqualTo(2121);
        assertThat(settings.anonymous()).isTrue();
        assertThat(settings.idleTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(settings.users()).containsOnlyKeys("alice");
    }

    @Test
    void unusableValuesNameTheirKey() {
        assertThatThrownBy(() -> FtpSettings.from(Map.of("port", "0"))).hasMessageContaining("port");
        assertThatThrownBy(() -> FtpSettings.from(Map.of("pasvMin", "6000", "pasvMax", "5000")))
                .hasMessageContaining("pasvMax");
        assertThatThrownBy(() -> FtpSettings.from(Map.of("anonymous", "maybe"))).hasMessageContaining("anonymous");
        assertThatThrownBy(() -> FtpSettings.from(Map.of("maxSessions", "many"))).hasMessageContaining("maxSessions");
    }
}
