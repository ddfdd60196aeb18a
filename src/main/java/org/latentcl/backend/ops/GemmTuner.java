package org.latentcl.backend.ops;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.GemmTuning;
import org.latentcl.backend.Tensor;
import org.latentcl.opencl.ClDeviceInfo;

/**
 * Searches GEMM launch shapes (rows per work-item TM, work-group size) on one device, separately
 * for large outputs (at least 128 x 128: the VAE's and GAN's wide layers, the convolutions' input
 * gradients and the 28x28 DCGAN discriminator's middle convolution, and 1024^3) and for small ones (the
 * 20- and 40-wide latent layers, tiny batches, and the conv VAE's convolutions, whose outputs have 32
 * or 64 channels). Each candidate runs every shape queued
 * back to back, as training does; its score is the geometric mean of its GFLOP/s over the shapes.
 */
public final class GemmTuner {
    /** m, n, k, transposes (0 NN, 1 NT, 2 TN): outputs of at least 128 x 128. */
    public static final int[][] LARGE_SHAPES = {{128, 400, 784, 1}, {128, 784, 400, 0}, {400, 784, 128, 2}, {1024, 1024, 1024, 0},
        // The conv VAE's second convolution's input gradient W^T dy' (and its transposed twin's forward pass) at batch 128;
        // the 28x28 DCGAN's discriminator's second convolution at batch 64: forward W cols, input gradient W^T dy'.
        {512, 6272, 64, 0}, {128, 3136, 1024, 0}, {1024, 3136, 128, 0}};
    /** Outputs with fewer than 128 rows or columns. */
    public static final int[][] SMALL_SHAPES = {{128, 20, 400, 1}, {128, 40, 400, 1}, {20, 400, 128, 2}, {16, 400, 784, 1},
        // The conv VAE's two convolutions' forward passes at batch 128 (32 and 64 output channels).
        {32, 25088, 16, 0}, {64, 6272, 512, 0}};

    private GemmTuner() {
    }

    /**
     * One measured candidate.
     *
     * @param config the launch shape
     * @param gflops GFLOP/s on each shape, in order
     * @param score  geometric mean of gflops (0 when a shape failed to run)
     */
    public record Candidate(ClBackend.GemmLaunch config, double[] gflops, double score) {
    }

    /** What a search found: the best of each group, and every candidate measured. */
    public record Result(GemmTuning best, List<Candidate> large, List<Candidate> small) {
    }

    /**
     * Launch shapes to try on a device. Register tiles: TM 4, 8, 16 rows by TN 8 or 16 columns, with the
     * driver's work-groups and 1x1, 4x1, 8x8 and 16x16 where they fit (on CPUs 16x16 groups are left out:
     * they only matter to GPUs, and the search stays under a minute). Local-memory tiles: 32 x 32 and
     * 64 x 64 per work-group, K-slices of 8 and 16, 2 x 2, 4 x 4 and 8 x 8 per work-item, where the
     * work-group and the local memory fit (on CPUs only the two defaults, for comparison).
     */
    public static List<ClBackend.GemmLaunch> candidates(ClDeviceInfo device) {
        List<ClBackend.GemmLaunch> out = new ArrayList<>();
        long[][] locals = device.isGpu() ? new long[][] {{1, 1}, {4, 1}, {8, 8}, {16, 16}} : new long[][] {{1, 1}, {4, 1}, {8, 8}};
        for (int tn : new int[] {8, 16}) {
            for (int tm : new int[] {4, 8, 16}) {
                out.add(new ClBackend.GemmConfig(tm, tn, null));
                for (long[] local : locals) {
                    if (local[0] * local[1] <= device.maxWorkGroupSize()) {
                        out.add(new ClBackend.GemmConfig(tm, tn, local));
                    }
                }
            }
        }
        for (ClBackend.LocalGemmConfig t : localCandidates(device.isGpu())) {
            if (t.groupSize() <= device.maxWorkGroupSize() && t.localBytes() <= device.localMemBytes()) {
                out.add(t);
            }
        }
        return out;
    }

    /** The local-memory family's candidates: the full set for a GPU, the two defaults elsewhere (for comparison). */
    public static List<ClBackend.LocalGemmConfig> localCandidates(boolean gpu) {
        List<ClBackend.LocalGemmConfig> tiles = new ArrayList<>();
        if (!gpu) {
            tiles.add(new ClBackend.LocalGemmConfig(32, 32, 16, 4, 4));
            tiles.add(new ClBackend.LocalGemmConfig(64, 64, 16, 4, 4));
            return tiles;
        }
        for (int ts : new int[] {32, 64}) {
            for (int tsk : new int[] {8, 16}) {
                for (int wpt : new int[] {2, 4, 8}) {
                    tiles.add(new ClBackend.LocalGemmConfig(ts, ts, tsk, wpt, wpt));
                }
                // Vector loads (Nugteren's kernel 6, CLBlast's VWM/VWN) on the default 4 x 4 per work-item.
                for (int vw : new int[] {2, 4}) {
                    tiles.add(new ClBackend.LocalGemmConfig(ts, ts, tsk, 4, 4, vw));
                }
            }
        }
        return tiles;
    }

    public static Result tune(ClDeviceInfo device, List<? extends ClBackend.GemmLaunch> candidates, int[][] largeShapes, int[][] smallShapes) {
        List<Candidate> large = measure(device, candidates, largeShapes);
        List<Candidate> small = measure(device, candidates, smallShapes);
        return new Result(new GemmTuning(best(large).config(), best(small).config()), large, small);
    }

    private static Candidate best(List<Candidate> list) {
        Candidate b = list.get(0);
        for (Candidate c : list) {
            if (c.score() > b.score()) {
                b = c;
            }
        }
        return b;
    }

    private static List<Candidate> measure(ClDeviceInfo device, List<? extends ClBackend.GemmLaunch> candidates, int[][] shapes) {
        List<Candidate> out = new ArrayList<>();
        for (ClBackend.GemmLaunch cfg : candidates) {
            double[] g = new double[shapes.length];
            double logSum = 0;
            try (ClBackend be = new ClBackend(device, new GemmTuning(cfg, cfg))) {
                for (int i = 0; i < shapes.length; i++) {
                    g[i] = gflops(be, shapes[i]);
                    logSum += Math.log(g[i]);
                }
                out.add(new Candidate(cfg, g, Math.exp(logSum / shapes.length)));
            } catch (RuntimeException e) {
                out.add(new Candidate(cfg, g, 0));
            }
        }
        return out;
    }

    /** Best of three samples, each about 20 ms of back-to-back calls followed by one wait. */
    private static double gflops(Backend be, int[] s) {
        int m = s[0];
        int n = s[1];
        int k = s[2];
        boolean ta = s[3] == 2;
        boolean tb = s[3] == 1;
        try (Tensor a = be.zeros(ta ? k : m, ta ? m : k); Tensor b = be.zeros(tb ? n : k, tb ? k : n); Tensor c = be.zeros(m, n)) {
            Gemm.gemm(be, ta, tb, 1f, a, b, 0f, c, null, Activation.IDENTITY);
            be.finish();
            long w0 = System.nanoTime();
            Gemm.gemm(be, ta, tb, 1f, a, b, 0f, c, null, Activation.IDENTITY);
            be.finish();
            int inner = (int) Math.max(1, Math.min(500, 20e6 / Math.max(1, System.nanoTime() - w0)));
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < inner; i++) {
                    Gemm.gemm(be, ta, tb, 1f, a, b, 0f, c, null, Activation.IDENTITY);
                }
                be.finish();
                best = Math.min(best, (System.nanoTime() - t0) / 1e9 / inner);
            }
            return 2.0 * m * n * k / best / 1e9;
        }
    }
}
