package org.latentcl.data;

import java.util.Random;

/** Random orders of rows, the same for the same seed on every machine. */
public final class Permutations {
    private Permutations() {
    }

    /**
     * 0 .. n-1 shuffled by Fisher-Yates from the end (Durstenfeld's form): for i = n-1 down to 1,
     * swap i with rnd.nextInt(i + 1). The held-out split, the epochs' batch orders and the
     * classifier's batches all draw their orders this way.
     *
     * @param n   how many
     * @param rnd the random source; consumes n - 1 draws
     * @return a new permutation
     */
    public static int[] shuffled(int n, Random rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
