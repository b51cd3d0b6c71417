package io.multistack.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Ipv4AddressTest {

    @ParameterizedTest
    @CsvSource({
        "192.168.1.1,     0xC0A80101",
        "0.0.0.0,         0x00000000",
        "255.255.255.255, 0xFFFFFFFF",
        "198.51.100.7,    0xC6336407",
        "10.0.0.1,        0x0A000001",
        "1.2.3.4,         0x01020304",
    })
    void parsesDottedQuads(String text, String expectedHex) {
        int expected = Integer.parseUnsignedInt(expectedHex.substring(2), 16);

        assertThat(Ipv4Address.parse(text)).isEqualTo(expected);
        assertThat(Ipv4Address.format(expected)).isEqualTo(text);
    }

    @Test
    void toleratesSurroundingWhitespaceFromConfigurationFiles() {
        assertThat(Ipv4Address.parse(" 192.168.1.1\t")).isEqualTo(0xC0A80101);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "1.2.3.999", "a.b.c.d", "1.2.3.4 5",
        "1 .2.3.4", "1.2.3.4.", ".1.2.3", "1..2.3", "1.2.3.-4", "+1.2.3.4", "1.2.3.+4", "1.2.3.0x4",
        "0001.2.3.4", "010.0.0.1", "192.168.01.1", "1.2.3.4/24", "1.2.3.4:80", "localhost", "1,2,3,4", "1.2.3.4\n5", "01.2.3.1e1",
        "...", "1.2.3.", "1.2.3.4e0",
    })
    void rejectsAnythingButFourDecimalOctets(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Ipv4Address.parse(text))
                .withMessageContaining("'" + text + "'");
    }

    /**
     * Character.isDigit and Integer.parseInt both take any Unicode decimal digit, so these used to
     * parse as 1.2.3.4 (regression test; fixed in 6bbddb9 by testing for '0'..'9').
     */
    @ParameterizedTest
    @ValueSource(strings = {"\u0661.\u0662.\u0663.\u0664", "\uFF11.\uFF12.\uFF13.\uFF14", "1.2.3.\u0664"})
    void rejectsNonAsciiDigits(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> Ipv4Address.parse(text));
    }

    @Test
    void convertsToAndFromInetAddresses() throws Exception {
        Inet4Address address = (Inet4Address) InetAddress.getByName("203.0.113.200");

        assertThat(Ipv4Address.toInt(address)).isEqualTo(0xCB0071C8);
        assertThat(Ipv4Address.toInet(0xCB0071C8)).isEqualTo(address);
        assertThat(Ipv4Address.toInet(Ipv4Address.BROADCAST).getHostAddress()).isEqualTo("255.255.255.255");
    }

    @Test
    void formatsAddressesWithTheSignBitSet() {
        assertThat(Ipv4Address.format(Ipv4Address.BROADCAST)).isEqualTo("255.255.255.255");
        assertThat(Ipv4Address.format(0x80000001)).isEqualTo("128.0.0.1");
    }

    @ParameterizedTest
    @CsvSource({"0, 0x00000000", "1, 0x80000000", "8, 0xFF000000", "24, 0xFFFFFF00", "31, 0xFFFFFFFE",
        "32, 0xFFFFFFFF"})
    void masksOfPrefixLengths(int prefixLength, String expectedHex) {
        assertThat(Ipv4Address.mask(prefixLength)).isEqualTo(Integer.parseUnsignedInt(expectedHex.substring(2), 16));
    }
}
