package io.multistack.ftp;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted password hashes as stored in a tenant's settings file:
 * {@code pbkdf2$ITERATIONS$SALT$HASH} with PBKDF2WithHmacSHA256 from the JDK, salt and
 * hash in unpadded Base64. Only the hash is ever stored, never the password.
 */
final class PasswordHash {
    static final int ITERATIONS = 100_000;
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();

    private PasswordHash() {}

    /** A new hash of the password with a fresh random salt. */
    static String create(String password) {
        return create(password, ITERATIONS, new SecureRandom());
    }

    static String create(String password, int iterations, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return "pbkdf2$" + iterations + "$" + ENCODER.encodeToString(salt) + "$"
                + ENCODER.encodeToString(derive(password, salt, iterations));
    }

    /** Whether the password matches the stored hash; a malformed hash matches nothing. */
    static boolean matches(String password, String stored) {
        String[] parts = stored.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals("pbkdf2")) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            if (iterations < 1 || iterations > 10_000_000) {
                return false;
            }
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            // constant-time comparison: no timing hint about how much of the hash matched
            return expected.length > 0 && MessageDigest.isEqual(expected, derive(password, salt, iterations));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /** Whether a settings value looks like a hash this class wrote. */
    static boolean wellFormed(String stored) {
        return stored.matches("pbkdf2\\$\\d{1,8}\\$[A-Za-z0-9+/]+={0,2}\\$[A-Za-z0-9+/]+={0,2}");
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException missing) {
            throw new IllegalStateException(ALGORITHM + " is part of every JDK", missing);
        } finally {
            spec.clearPassword();
        }
    }
}
