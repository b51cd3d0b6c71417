package io.multistack.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHashTest {
    @Test
    void theRightPasswordMatchesAndOthersDoNot() {
        String hash = PasswordHash.create("s3cret", 1000, new SecureRandom());
        assertThat(hash).startsWith("pbkdf2$1000$").doesNotContain("s3cret");
        assertThat(PasswordHash.wellFormed(hash)).isTrue();
        assertThat(PasswordHash.matches("s3cret", hash)).isTrue();
        assertThat(PasswordHash.matches("s3cret ", hash)).isFalse();
        assertThat(PasswordHash.matches("", hash)).isFalse();
    }

    @Test
    void theSaltMakesEveryHashDifferent() {
        assertThat(PasswordHash.create("same", 1000, new SecureRandom()))
                .isNotEqualTo(PasswordHash.create("same", 1000, new SecureRandom()));
    }

    @Test
    void defaultHashesUseTheDefaultIterations() {
        String hash = PasswordHash.create("pw");
        assertThat(hash).startsWith("pbkdf2$" + PasswordHash.ITERATIONS + "$");
        assertThat(PasswordHash.matches("pw", hash)).isTrue();
    }

    @Test
    void malformedHashesMatchNothing() {
        for (String bad : new String[] {"", "plain", "pbkdf2$x$AA$AA", "pbkdf2$0$AA$AA", "md5$1$AA$AA",
                "pbkdf2$1000$!!$AA", "pbkdf2$1000$AA$", "pbkdf2$99999999999$AA$AA"}) {
            assertThat(PasswordHash.matches("pw", bad)).as(bad).isFalse();
        }
        assertThat(PasswordHash.wellFormed("pbkdf2$1000$AA$")).isFalse();
    }
}
