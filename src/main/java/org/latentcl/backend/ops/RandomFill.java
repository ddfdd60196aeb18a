package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Philox;
import org.latentcl.backend.Tensor;

/**
 * Philox4x32-10 random fills, identical in bits on every backend: uniform [0, 1) floats and
 * standard normals (Box-Muller, {@link Philox#normal}). Element i of a fill comes from word i % 4
 * of block counter + i / 4 of the stream of {@code seed}. Kernels {@code random.cl: uniform_fill,
 * normal_fill}, one work-item per block; {@code philox_raw} serves the known-answer check.
 */
public final class RandomFill {
    record Fill(int n, Tensor out, long seed, long counter) {
    }

    record Raw(int c0, int c1, int c2, int c3, int k0, int k1, Tensor out) {
    }

    private static final KernelBinding<Fill> UNIFORM = KernelBinding.of("random.cl", "uniform_fill", Fill.class);
    private static final KernelBinding<Fill> NORMAL = KernelBinding.of("random.cl", "normal_fill", Fill.class);
    private static final KernelBinding<Raw> RAW = KernelBinding.of("random.cl", "philox_raw", Raw.class);

    /** The test vector of Salmon et al.'s Random123 (philox4x32-10, counter pi, key pi's next digits). */
    private static final int[] KAT_COUNTER = {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344};
    private static final int[] KAT_KEY = {0xa4093822, 0x299f31d0};
    private static final int[] KAT_WORDS = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};

    public static final OpSpec UNIFORM_SPEC = new OpSpec("uniform", "Philox4x32-10 words >> 8 times 2^-24, in [0, 1)",
            "random.cl: uniform_fill", List.of(SelfCheck.vectors("uniform (bitwise)", 1, 0, 0, (be, x) -> {
                uniform(be, x[0], 77, (1L << 32) - 2);
                return be.read(x[0]);
            }), new SelfCheck("philox4x32-10 known answer", 0, 0, (n, sizes) -> RandomFill::knownAnswer)));
    public static final OpSpec NORMAL_SPEC = new OpSpec("normal", "Box-Muller on pairs of Philox words",
            "random.cl: normal_fill", List.of(SelfCheck.vectors("normal (bitwise)", 1, 0, 0, (be, x) -> {
                normal(be, x[0], 78, 5);
                return be.read(x[0]);
            })));

    private RandomFill() {
    }

    /** Fills {@code out} with uniform [0, 1) floats from the stream of {@code seed}, starting at block {@code counter}. */
    public static void uniform(Backend be, Tensor out, long seed, long counter) {
        be.own(out, "uniform");
        be.run("uniform", 0, 4.0 * out.size(),
                java -> Philox.fillUniform(JavaBackend.array(out), (int) out.offset(), out.size(), seed, counter),
                cl -> fill(cl, UNIFORM, out, seed, counter));
    }

    /** Fills {@code out} with standard normal floats (Box-Muller on Philox, see {@link Philox#normal}). */
    public static void normal(Backend be, Tensor out, long seed, long counter) {
        be.own(out, "normal");
        be.run("normal", 0, 4.0 * out.size(),
                java -> Philox.fillNormal(JavaBackend.array(out), (int) out.offset(), out.size(), seed, counter),
                cl -> fill(cl, NORMAL, out, seed, counter));
    }

    private static void fill(ClBackend cl, KernelBinding<Fill> kernel, Tensor out, long seed, long counter) {
        int n = out.size();
        if (n > 0) {
            cl.elementwise(kernel, cl.randomDefines(), (int) Philox.blocks(n), new Fill(n, out, seed, counter));
        }
    }

    /** One raw Philox4x32-10 block, computed on {@code be}: for known-answer checks. */
    public static int[] philoxBlock(Backend be, int[] counter, int[] key) {
        int[] words = new int[4];
        if (be instanceof ClBackend cl) {
            // The kernel stores the words as float bit patterns, which travel back unchanged.
            try (Tensor out = cl.zeros(1, 4)) {
                cl.launch(RAW, cl.randomDefines(), new long[] {1}, null, 0, 0,
                        new Raw(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out));
                float[] f = cl.read(out);
                for (int i = 0; i < 4; i++) {
                    words[i] = Float.floatToRawIntBits(f[i]);
                }
            }
        } else {
            Philox.block(counter[0], counter[1], counter[2], counter[3], key[0], key[1], words);
        }
        return words;
    }

    /** The known-answer block computed on {@code be}, as float bit patterns. */
    private static float[] knownAnswer(Backend be) {
        int[] words = philoxBlock(be, KAT_COUNTER, KAT_KEY);
        if (!java.util.Arrays.equals(words, KAT_WORDS)) {
            // Both sides must give the published answer, not merely agree.
            words[0] ^= 1;
        }
        float[] bits = new float[4];
        for (int i = 0; i < 4; i++) {
            bits[i] = Float.intBitsToFloat(words[i]);
        }
        return bits;
    }
}
