package org.latentcl.backend;

/**
 * Philox4x32-10, the counter-based generator of Salmon et al., "Parallel Random Numbers: As Easy
 * as 1, 2, 3" (SC 2011; the Random123 library). One block maps a 128-bit counter and a 64-bit key
 * to four 32-bit words. This is the Java reference for {@code kernels/random.cl}; both must give
 * identical bits, so the float math below uses only operations that are exactly rounded in Java
 * and in OpenCL C built with FP_CONTRACT off and correctly rounded division and square root
 * (+, -, *, /, sqrt and bit manipulation), in the same order as the kernel.
 *
 * <p>Stream layout: for (seed, counter), block b uses counter words (lo(counter + b),
 * hi(counter + b), 0, 0) and key (lo(seed), hi(seed)).
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final float TWO_POW_MINUS_24 = 5.9604645e-8f;

    private Philox() {
    }

    /** Values one block gives. */
    public static final int VALUES_PER_BLOCK = 4;

    /** Philox blocks used to fill n values (four per block). */
    public static long blocks(long n) {
        return (n + VALUES_PER_BLOCK - 1) / VALUES_PER_BLOCK;
    }

    /** One Philox4x32-10 block: out = philox(counter c0..c3, key k0, k1). */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32);
            int lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32);
            int lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** The four words of block {@code counter} of the stream of {@code seed}. */
    public static void block(long seed, long counter, int[] out) {
        block((int) counter, (int) (counter >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), out);
    }

    /** A uniform float in [0, 1) from the top 24 bits of a word (exact). */
    public static float uniform(int word) {
        return (word >>> 8) * TWO_POW_MINUS_24;
    }

    /** Fills out[from..from+n) with uniforms: element i from word i % 4 of block counter + i / 4. */
    public static void fillUniform(float[] out, int from, int n, long seed, long counter) {
        int[] w = new int[4];
        for (int b = 0; b * 4 < n; b++) {
            block(seed, counter + b, w);
            for (int j = 0; j < 4 && b * 4 + j < n; j++) {
                out[from + b * 4 + j] = uniform(w[j]);
            }
        }
    }

    /** Fills out[from..from+n) with standard normals: block b gives elements 4b..4b+3 from words (0,1) and (2,3). */
    public static void fillNormal(float[] out, int from, int n, long seed, long counter) {
        int[] w = new int[4];
        float[] pair = new float[2];
        for (int b = 0; b * 4 < n; b++) {
            block(seed, counter + b, w);
            for (int half = 0; half < 2; half++) {
                normal(w[2 * half], w[2 * half + 1], pair);
                for (int j = 0; j < 2; j++) {
                    int i = b * 4 + half * 2 + j;
                    if (i < n) {
                        out[from + i] = pair[j];
                    }
                }
            }
        }
    }

    /**
     * Box-Muller: u1 in (0, 1], u2 in [0, 1) from two words; r = sqrt(-2 ln u1);
     * pair = (r cos 2 pi u2, r sin 2 pi u2).
     */
    public static void normal(int word1, int word2, float[] pair) {
        float u1 = ((word1 >>> 8) + 1) * TWO_POW_MINUS_24;
        float u2 = (word2 >>> 8) * TWO_POW_MINUS_24;
        float r = (float) Math.sqrt(-2.0f * log(u1));
        // 2 pi u2 = (quadrant + f) * pi/2 with quadrant = floor(4 u2), f in [0, 1): both exact.
        float t = 4.0f * u2;
        int quadrant = (int) t;
        float a = (t - quadrant) * 1.5707964f;
        float a2 = a * a;
        float s = a * (1.0f + a2 * (-1.6666667e-1f + a2 * (8.333334e-3f + a2 * (-1.984127e-4f
                + a2 * (2.7557319e-6f + a2 * -2.5052108e-8f)))));
        float c = 1.0f + a2 * (-0.5f + a2 * (4.1666668e-2f + a2 * (-1.3888889e-3f + a2 * (2.4801588e-5f
                + a2 * (-2.7557319e-7f + a2 * 2.0876756e-9f)))));
        float cos;
        float sin;
        switch (quadrant) {
            case 0 -> { cos = c; sin = s; }
            case 1 -> { cos = -s; sin = c; }
            case 2 -> { cos = -c; sin = -s; }
            default -> { cos = s; sin = -c; }
        }
        pair[0] = r * cos;
        pair[1] = r * sin;
    }

    /**
     * Natural log of a positive normal float: x = m * 2^e with m in [sqrt(1/2), sqrt(2)), then
     * ln m = 2 atanh(s), s = (m - 1) / (m + 1), as an odd series in s (|s| &lt; 0.172).
     */
    static float log(float x) {
        int bits = Float.floatToRawIntBits(x);
        int e = ((bits >>> 23) & 0xFF) - 127;
        float m = Float.intBitsToFloat((bits & 0x007FFFFF) | 0x3F800000);
        if (m > 1.4142135f) {
            m = m * 0.5f;
            e = e + 1;
        }
        float f = m - 1.0f;
        float s = f / (2.0f + f);
        float z = s * s;
        float series = 2.0f * s + 2.0f * s * z * (3.3333334e-1f + z * (2.0e-1f + z * (1.4285715e-1f
                + z * (1.1111111e-1f + z * 9.0909094e-2f))));
        return e * 0.6931472f + series;
    }
}
