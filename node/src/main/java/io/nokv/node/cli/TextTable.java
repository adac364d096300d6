package io.nokv.node.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Rows printed in aligned columns, two spaces apart: a column holding numbers is right-aligned, others left-aligned. */
final class TextTable {
    private final List<Object[]> rows = new ArrayList<>();

    TextTable row(Object... cells) {
        rows.add(cells);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out, String indent) {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[columns];
        boolean[] numeric = new boolean[columns];
        for (Object[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], text(r[i]).length());
                numeric[i] |= r[i] instanceof Number;
            }
        }
        for (Object[] r : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < r.length; i++) {
                String cell = text(r[i]);
                String pad = " ".repeat(width[i] - cell.length());
                if (i > 0) {
                    line.append("  ");
                }
                boolean last = i == r.length - 1;
                line.append(numeric[i] ? pad + cell : last ? cell : cell + pad);
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String text(Object cell) {
        return cell instanceof Double d ? String.format("%.2f", d) : String.valueOf(cell);
    }
}
