package io.multistack.shell;

import java.util.ArrayList;
import java.util.List;

/** Left-aligned text columns, sized to their widest cell, for command output. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... headings) {
        this.columns = headings.length;
        rows.add(headings);
    }

    Table row(Object... cells) {
        String[] text = new String[columns];
        for (int i = 0; i < columns; i++) {
            text[i] = i < cells.length ? String.valueOf(cells[i]) : "";
        }
        rows.add(text);
        return this;
    }

    @Override
    public String toString() {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(row[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
