package io.multistack.http;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The HTML page listing a directory, when the tenant's {@code listing} setting allows it.
 * Names starting with a dot are left out, as nginx's autoindex does: among them the
 * temporaries of uploads in progress.
 */
final class DirectoryListing {
    private DirectoryListing() {}

    static String html(Path directory, String urlPath) throws IOException {
        List<Path> entries;
        try (Stream<Path> list = Files.list(directory)) {
            entries = list.filter(entry -> !entry.getFileName().toString().startsWith(".")).sorted().toList();
        }
        StringBuilder page = new StringBuilder(256 + entries.size() * 64);
        String title = "Index of " + escape(urlPath);
        page.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(title)
                .append("</title></head>\n<body><h1>").append(title).append("</h1>\n<ul>\n");
        if (!urlPath.equals("/")) {
            page.append("<li><a href=\"../\">../</a></li>\n");
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            String suffix = Files.isDirectory(entry) ? "/" : "";
            String href = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20") + suffix;
            page.append("<li><a href=\"").append(href).append("\">").append(escape(name)).append(suffix)
                    .append("</a></li>\n");
        }
        return page.append("</ul>\n</body></html>\n").toString();
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
