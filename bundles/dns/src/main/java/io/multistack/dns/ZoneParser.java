package io.multistack.dns;

import io.multistack.dns.MasterFileLexer.Entry;
import io.multistack.dns.MasterFileLexer.Token;
import io.netty.handler.codec.dns.DnsRecordType;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small, strict reader of RFC 1035 master files: {@code $ORIGIN}, {@code $TTL} (RFC 2308),
 * {@code @}, relative names, omitted owners, TTL and class in either order, class IN only, and
 * the types SOA, NS, A, AAAA, CNAME, PTR, MX, TXT and SRV. Anything else is an error naming
 * the file and line; nothing is guessed. Not supported: {@code $INCLUDE}, {@code $GENERATE},
 * wildcards, escaped dots in names, other classes and types.
 */
final class ZoneParser {
    private static final Map<String, DnsRecordType> TYPES = Map.of("SOA", DnsRecordType.SOA, "NS", DnsRecordType.NS,
            "A", DnsRecordType.A, "AAAA", DnsRecordType.AAAA, "CNAME", DnsRecordType.CNAME, "PTR", DnsRecordType.PTR,
            "MX", DnsRecordType.MX, "TXT", DnsRecordType.TXT, "SRV", DnsRecordType.SRV);
    private static final List<String> OTHER_CLASSES = List.of("CH", "CS", "HS", "ANY", "NONE");
    private static final long MAX_TTL = Integer.MAX_VALUE; // RFC 2181 8
    private static final int MAX_STRING = 255;

    private final String file;
    private String origin;
    private Long defaultTtl;
    private Long lastTtl;
    private String lastOwner;

    private ZoneParser(String file, String origin) {
        this.file = file;
        this.origin = origin;
    }

    /**
     * @param file    the file's name, for error messages
     * @param origin  the origin before any {@code $ORIGIN} (the zone name taken from the file name)
     */
    static Zone parse(String file, String text, String origin) throws ZoneFileException {
        return new ZoneParser(file, Names.normalize(origin)).zone(MasterFileLexer.entries(file, text));
    }

    private Zone zone(List<Entry> entries) throws ZoneFileException {
        List<ResourceRecord> records = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        ResourceRecord soa = null;
        int soaLine = 0;
        for (Entry entry : entries) {
            ResourceRecord record = entry(entry);
            if (record == null) {
                continue;
            }
            if (record.type().equals(DnsRecordType.SOA)) {
                if (soa != null) {
                    throw new ZoneFileException(file, entry.line(), "second SOA record (the first is at line " + soaLine + ")");
                }
                soa = record;
                soaLine = entry.line();
            }
            records.add(record);
            lines.add(entry.line());
        }
        if (soa == null) {
            // name the first record's line: that is where the SOA belongs
            throw new ZoneFileException(file, lines.isEmpty() ? 1 : lines.getFirst(),
                    "missing SOA record: a zone starts with the SOA of its apex");
        }
        checkContents(records, lines, soa.name());
        return new Zone(file, soa, records);
    }

    /** Every record inside the zone; a CNAME owner owns nothing else (RFC 1034 3.6.2). */
    private void checkContents(List<ResourceRecord> records, List<Integer> lines, String apex) throws ZoneFileException {
        Map<String, Integer> cnameLines = new HashMap<>();
        Map<String, Integer> otherLines = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            ResourceRecord record = records.get(i);
            int line = lines.get(i);
            if (!Names.isAtOrBelow(record.name(), apex)) {
                throw new ZoneFileException(file, line, "'" + record.name() + "' is outside the zone " + apex);
            }
            boolean cname = record.type().equals(DnsRecordType.CNAME);
            Integer clash = cname ? otherLines.get(record.name()) : cnameLines.get(record.name());
            if (cname && cnameLines.containsKey(record.name())) {
                clash = cnameLines.get(record.name());
            }
            if (clash != null) {
                throw new ZoneFileException(file, line, "'" + record.name()
                        + "' has a CNAME and other data (see line " + clash + ")");
            }
            (cname ? cnameLines : otherLines).putIfAbsent(record.name(), line);
        }
    }

    /** One entry: a directive (returns null) or a record. */
    private ResourceRecord entry(Entry entry) throws ZoneFileException {
        List<Token> tokens = entry.tokens();
        int line = entry.line();
        if (!entry.ownerOmitted() && tokens.getFirst().text().startsWith("$") && !tokens.getFirst().quoted()) {
            directive(tokens, line);
            return null;
        }
        int next = 0;
        String owner;
        if (entry.ownerOmitted()) {
            if (lastOwner == null) {
                throw new ZoneFileException(file, line, "record without owner name and no previous owner");
            }
            owner = lastOwner;
        } else {
            owner = name(tokens.get(next++), line);
        }
        Long ttl = null;
        boolean classSeen = false;
        for (int i = 0; i < 2 && next < tokens.size(); i++) {
            String word = tokens.get(next).text();
            if (ttl == null && !word.isEmpty() && Character.isDigit(word.charAt(0))) {
                ttl = ttl(word, line);
                next++;
            } else if (!classSeen && word.equalsIgnoreCase("IN")) {
                classSeen = true;
                next++;
            } else if (OTHER_CLASSES.contains(word.toUpperCase(Locale.ROOT))) {
                throw new ZoneFileException(file, line, "class " + word + " not supported (only IN)");
            }
        }
        if (next >= tokens.size()) {
            throw new ZoneFileException(file, line, "record without a type");
        }
        String typeWord = tokens.get(next++).text();
        DnsRecordType type = TYPES.get(typeWord.toUpperCase(Locale.ROOT));
        if (type == null) {
            throw new ZoneFileException(file, line, "unknown or unsupported type '" + typeWord
                    + "' (supported: SOA NS A AAAA CNAME PTR MX TXT SRV)");
        }
        if (ttl != null) {
            lastTtl = ttl;
        } else {
            ttl = defaultTtl != null ? defaultTtl : lastTtl;
            if (ttl == null) {
                throw new ZoneFileException(file, line, "no TTL: give the record one or set $TTL");
            }
        }
        lastOwner = owner;
        return rdata(owner, type, ttl, tokens.subList(next, tokens.size()), line);
    }

    private void directive(List<Token> tokens, int line) throws ZoneFileException {
        String name = tokens.getFirst().text().toUpperCase(Locale.ROOT);
        switch (name) {
            case "$ORIGIN" -> {
                expectArguments(tokens, 2, line, "$ORIGIN takes one absolute name");
                String text = tokens.get(1).text();
                if (!text.endsWith(".")) {
                    throw new ZoneFileException(file, line, "$ORIGIN must be an absolute name (ending in '.')");
                }
                origin = name(tokens.get(1), line);
            }
            case "$TTL" -> {
                expectArguments(tokens, 2, line, "$TTL takes one TTL");
                defaultTtl = ttl(tokens.get(1).text(), line);
            }
            case "$INCLUDE", "$GENERATE" -> throw new ZoneFileException(file, line, name + " is not supported");
            default -> throw new ZoneFileException(file, line, "unknown directive " + name);
        }
    }

    private void expectArguments(List<Token> tokens, int count, int line, String usage) throws ZoneFileException {
        if (tokens.size() != count) {
            throw new ZoneFileException(file, line, usage);
        }
    }

    private ResourceRecord rdata(String owner, DnsRecordType type, long ttl, List<Token> fields, int line)
            throws ZoneFileException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        String text;
        String target = null;
        switch (type.name()) {
            case "A" -> {
                fields(fields, 1, "an IPv4 address", line);
                byte[] address = ipv4(fields.getFirst().text(), line);
                wire.writeBytes(address);
                text = fields.getFirst().text();
            }
            case "AAAA" -> {
                fields(fields, 1, "an IPv6 address", line);
                byte[] address = ipv6(fields.getFirst().text(), line);
                wire.writeBytes(address);
                text = addressText(address, line);
            }
            case "NS", "CNAME", "PTR" -> {
                fields(fields, 1, "a name", line);
                String name = name(fields.getFirst(), line);
                Names.writeWire(name, wire);
                text = name;
                target = type.equals(DnsRecordType.CNAME) ? name : null;
            }
            case "MX" -> {
                fields(fields, 2, "preference and exchange", line);
                int preference = number(fields.get(0), 0xFFFF, "preference", line);
                String exchange = name(fields.get(1), line);
                writeShort(wire, preference);
                Names.writeWire(exchange, wire);
                text = preference + " " + exchange;
            }
            case "SRV" -> {
                fields(fields, 4, "priority, weight, port and target", line);
                int priority = number(fields.get(0), 0xFFFF, "priority", line);
                int weight = number(fields.get(1), 0xFFFF, "weight", line);
                int port = number(fields.get(2), 0xFFFF, "port", line);
                String host = name(fields.get(3), line);
                writeShort(wire, priority);
                writeShort(wire, weight);
                writeShort(wire, port);
                Names.writeWire(host, wire);
                text = priority + " " + weight + " " + port + " " + host;
            }
            case "TXT" -> {
                if (fields.isEmpty()) {
                    throw new ZoneFileException(file, line, "TXT needs at least one string");
                }
                StringBuilder shown = new StringBuilder();
                for (Token field : fields) {
                    if (field.bytes().length > MAX_STRING) {
                        throw new ZoneFileException(file, field.line(), "TXT string longer than 255 bytes");
                    }
                    wire.write(field.bytes().length);
                    wire.writeBytes(field.bytes());
                    shown.append(shown.isEmpty() ? "" : " ").append('"').append(field.text()).append('"');
                }
                text = shown.toString();
            }
            case "SOA" -> {
                fields(fields, 7, "mname rname serial refresh retry expire minimum", line);
                String mname = name(fields.get(0), line);
                String rname = name(fields.get(1), line);
                Names.writeWire(mname, wire);
                Names.writeWire(rname, wire);
                long serial = serial(fields.get(2), line);
                writeInt(wire, serial);
                StringBuilder shown = new StringBuilder(mname + " " + rname + " " + serial);
                for (int i = 3; i < 7; i++) {
                    long value = ttl(fields.get(i).text(), line);
                    writeInt(wire, value);
                    shown.append(' ').append(value);
                }
                text = shown.toString();
            }
            default -> throw new IllegalStateException("type without RDATA reader: " + type);
        }
        return new ResourceRecord(owner, type, ttl, wire.toByteArray(), text, target);
    }

    private void fields(List<Token> fields, int count, String what, int line) throws ZoneFileException {
        if (fields.size() != count) {
            throw new ZoneFileException(file, line, "expected " + what + " (" + count + " field"
                    + (count == 1 ? "" : "s") + "), got " + fields.size());
        }
    }

    /** A name field: {@code @} is the origin, a name without the final dot is relative to it. */
    private String name(Token token, int line) throws ZoneFileException {
        String text = token.text();
        if (token.quoted() || text.indexOf('\\') >= 0) {
            throw new ZoneFileException(file, line, "bad name '" + text + "': quotes and escapes are not supported in names");
        }
        String name;
        if (text.equals("@")) {
            name = origin;
        } else if (text.endsWith(".")) {
            name = text.toLowerCase(Locale.ROOT);
        } else {
            name = text.toLowerCase(Locale.ROOT) + (origin.equals(Names.ROOT) ? "." : "." + origin);
        }
        String problem = Names.problem(name);
        if (problem != null) {
            throw new ZoneFileException(file, line, "bad name '" + text + "': " + problem);
        }
        return name;
    }

    /** A TTL or SOA timer: seconds, or BIND's units (e.g. {@code 1h30m}, {@code 2d}). */
    private long ttl(String text, int line) throws ZoneFileException {
        long total = 0;
        long number = -1;
        boolean unitSeen = false;
        for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c >= '0' && c <= '9') {
                number = (number < 0 ? 0 : number) * 10 + (c - '0');
                if (number > MAX_TTL) {
                    throw new ZoneFileException(file, line, "bad TTL '" + text + "': above 2147483647");
                }
                continue;
            }
            long unit = switch (c) {
                case 's' -> 1;
                case 'm' -> 60;
                case 'h' -> 3600;
                case 'd' -> 86400;
                case 'w' -> 604800;
                default -> 0;
            };
            if (unit == 0 || number < 0) {
                throw new ZoneFileException(file, line, "bad TTL '" + text + "'");
            }
            total += number * unit;
            number = -1;
            unitSeen = true;
        }
        if (number >= 0) {
            if (unitSeen) {
                throw new ZoneFileException(file, line, "bad TTL '" + text + "': number without unit after units");
            }
            total = number;
        } else if (!unitSeen) {
            throw new ZoneFileException(file, line, "bad TTL '" + text + "'");
        }
        if (total > MAX_TTL) {
            throw new ZoneFileException(file, line, "bad TTL '" + text + "': above 2147483647");
        }
        return total;
    }

    private long serial(Token token, int line) throws ZoneFileException {
        String text = token.text();
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(Character::isDigit)
                || Long.parseLong(text) > 0xFFFFFFFFL) {
            throw new ZoneFileException(file, line, "bad serial '" + text + "': a number up to 4294967295");
        }
        return Long.parseLong(text);
    }

    private int number(Token token, int max, String what, int line) throws ZoneFileException {
        String text = token.text();
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)
                || Integer.parseInt(text) > max) {
            throw new ZoneFileException(file, line, "bad " + what + " '" + text + "': a number up to " + max);
        }
        return Integer.parseInt(text);
    }

    /** Exactly four decimal octets: none of inet_aton's shorthand forms. */
    private byte[] ipv4(String text, int line) throws ZoneFileException {
        String[] parts = text.split("\\.", -1);
        byte[] address = new byte[4];
        boolean valid = parts.length == 4;
        for (int i = 0; valid && i < 4; i++) {
            String part = parts[i];
            valid = !part.isEmpty() && part.length() <= 3 && part.chars().allMatch(Character::isDigit)
                    && Integer.parseInt(part) <= 255 && !(part.length() > 1 && part.startsWith("0"));
            if (valid) {
                address[i] = (byte) Integer.parseInt(part);
            }
        }
        if (!valid) {
            throw new ZoneFileException(file, line, "bad IPv4 address '" + text + "'");
        }
        return address;
    }

    private byte[] ipv6(String text, int line) throws ZoneFileException {
        // ofLiteral never resolves a name; reject scope ids and brackets it might otherwise accept
        if (!text.contains(":") || text.contains("%") || text.contains("[")) {
            throw new ZoneFileException(file, line, "bad IPv6 address '" + text + "'");
        }
        try {
            InetAddress parsed = Inet6Address.ofLiteral(text);
            if (parsed instanceof Inet4Address v4) { // an IPv4-mapped literal
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xFF;
                mapped[11] = (byte) 0xFF;
                System.arraycopy(v4.getAddress(), 0, mapped, 12, 4);
                return mapped;
            }
            return parsed.getAddress();
        } catch (IllegalArgumentException bad) {
            throw new ZoneFileException(file, line, "bad IPv6 address '" + text + "'");
        }
    }

    private String addressText(byte[] address, int line) throws ZoneFileException {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (java.net.UnknownHostException impossible) {
            throw new ZoneFileException(file, line, "bad address");
        }
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write(value >> 8);
        out.write(value);
    }

    private static void writeInt(ByteArrayOutputStream out, long value) {
        writeShort(out, (int) (value >> 16) & 0xFFFF);
        writeShort(out, (int) value & 0xFFFF);
    }
}
