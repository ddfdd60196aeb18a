package org.latentcl.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** The names closest to a mistyped one, for "did you mean ...?" (picocli's own suggestions miss swapped letters). */
final class Typos {
    /** At most this many edits (insert, delete, replace, swap two neighbours) from what was typed. */
    private static final int MAX_EDITS = 2;

    private Typos() {
    }

    /** Up to three of {@code names} within two edits of {@code typed}, closest first (ties keep the names' order). */
    static List<String> closest(String typed, Collection<String> names) {
        return names.stream().distinct().filter(n -> edits(typed, n) <= MAX_EDITS)
                .sorted(Comparator.comparingInt(n -> edits(typed, n))).limit(3).toList();
    }

    /** The optimal string alignment distance: Levenshtein's edits plus the swap of two neighbouring characters. */
    static int edits(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
