package org.latentcl.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.latentcl.backend.AdamConfig;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.backend.ops.RandomFill;
import org.latentcl.data.Idx;
import org.latentcl.data.Npy;
import org.latentcl.io.Safetensors;
import org.latentcl.nn.Adam;
import org.latentcl.nn.Buffer;

/**
 * A whole twin run of the DCGAN against PyTorch (issue 27, item 7), the long form of {@link DcganTwinTest}: a program,
 * not a test, because its trace (from {@code tools/dcgan-twin-run.py}) is tens of megabytes and the run takes minutes.
 * It takes every step PyTorch took, on the same batches in the same order with the same noise, from PyTorch's initial
 * weights (or, to isolate a cause, LatentCL's own initialization or noise), prints the two trainings side by side
 * (losses, D's outputs, and at each snapshot how far apart the parameters are, relative to how far training moved
 * them), and samples the final generator on PyTorch's sampling noise into {@code DIR/latentcl-<tag>.npy} for
 * {@code eval --samples}.
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat cp.txt) org.latentcl.model.DcganTwinRun DIR java|cl [own-init] [own-noise]
 * </pre>
 */
public final class DcganTwinRun {
    private static final String FASHION = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";

    private DcganTwinRun() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Backend be = TestBackends.named(args[1]);
        boolean ownInit = java.util.Arrays.asList(args).contains("own-init");
        boolean ownNoise = java.util.Arrays.asList(args).contains("own-noise");
        String tag = args[1] + (ownInit ? "-own-init" : "") + (ownNoise ? "-own-noise" : "");
        Safetensors.Contents trace = Safetensors.read(dir.resolve("torch.safetensors"));
        Map<String, String> meta = trace.metadata();
        int batch = Integer.parseInt(meta.get("batch"));
        int epochs = Integer.parseInt(meta.get("epochs"));
        int limit = Integer.parseInt(meta.get("limit"));
        int seed = Integer.parseInt(meta.get("seed"));
        java.util.Set<Integer> snapshots = new java.util.TreeSet<>();
        for (String s : meta.get("snapshots").split(",")) {
            snapshots.add(Integer.parseInt(s));
        }
        float[] data = images(limit);
        float[] noise = trace.tensors().get("noise").data();
        float[] torchStats = trace.tensors().get("stats").data();
        int nz = 100;
        GanConfig cfg = GanConfig.dcgan(new ImageShape(1, 28, 28), nz, 64, 64, GanConfig.Loss.NONSATURATING);
        AdamConfig adam = new AdamConfig(2e-4f, 0.5f, 0.999f, 1e-8f, 0f);
        try (GanNetwork gan = new GanNetwork(be, cfg, batch); Adam ad = new Adam(gan.discriminatorParameters(), adam);
             Adam ag = new Adam(gan.generatorParameters(), adam); Tensor x = be.zeros(batch, 784); Tensor z = be.zeros(batch, nz);
             Tensor st = be.zeros(1, GanNetwork.STATS)) {
            if (ownInit) {
                gan.initialize(seed);
            } else {
                gan.generatorParameters().load(DcganTwinTest.stage(trace, "init.", gan.generatorParameters().toHost()));
                gan.discriminatorParameters().load(DcganTwinTest.stage(trace, "init.", gan.discriminatorParameters().toHost()));
                for (Buffer b : DcganTwinTest.statistics(gan)) {
                    b.write(trace.tensors().get("init." + b.name()).data());
                }
            }
            Map<String, float[]> init = networks(gan);
            System.out.println("twin " + tag + ": seed " + seed + ", " + epochs + " epochs of " + limit + " images, batch " + batch);
            System.out.println("step | PyTorch d_loss g_loss D(x) D(G(z)) | LatentCL d_loss g_loss D(x) D(G(z))");
            int step = 0;
            long noiseAt = 0;
            int noiseRow = 0;
            double[] sums = new double[8];
            int since = 0;
            for (int e = 0; e < epochs; e++) {
                float[] perm = trace.tensors().get("perm" + e).data();
                for (int i = 0; i < limit; i += batch) {
                    int b = Math.min(batch, limit - i);
                    float[] rows = new float[b * 784];
                    for (int r = 0; r < b; r++) {
                        System.arraycopy(data, (int) perm[i + r] * 784, rows, r * 784, 784);
                    }
                    Tensor xb = x.rowRange(0, b);
                    Tensor zb = z.rowRange(0, b);
                    be.write(xb, rows);
                    if (ownNoise) {
                        RandomFill.normal(be, zb, seed, noiseAt);
                        noiseAt += (b * nz + 3) / 4;
                    } else {
                        float[] zs = new float[b * nz];
                        System.arraycopy(noise, noiseRow * nz, zs, 0, b * nz);
                        be.write(zb, zs);
                    }
                    noiseRow += b;
                    be.write(st, new float[GanNetwork.STATS]);
                    int m = gan.discriminatorGradients(xb, zb, st);
                    ad.step();
                    gan.generatorGradients(st, null, GanNetwork.StepOptions.PLAIN);
                    ag.step();
                    float[] got = be.read(st);
                    float[] ours = {got[GanNetwork.D_LOSS] / m, got[GanNetwork.G_LOSS] / m, got[GanNetwork.D_REAL] / m, got[GanNetwork.D_FAKE] / m};
                    for (int k = 0; k < 4; k++) {
                        sums[k] += torchStats[step * 4 + k];
                        sums[4 + k] += ours[k];
                    }
                    since++;
                    step++;
                    if (step % 50 == 0 || step < 5 || snapshots.contains(step)) {
                        System.out.printf(Locale.ROOT, "%4d | %.4f %.4f %.3f %.3f | %.4f %.4f %.3f %.3f   (means since the last line)%n", step,
                                sums[0] / since, sums[1] / since, sums[2] / since, sums[3] / since,
                                sums[4] / since, sums[5] / since, sums[6] / since, sums[7] / since);
                        java.util.Arrays.fill(sums, 0);
                        since = 0;
                    }
                    if (snapshots.contains(step)) {
                        distances(step, trace, init, networks(gan));
                    }
                }
            }
            float[] sampleNoise = trace.tensors().get("sample_noise").data();
            int n = sampleNoise.length / nz;
            float[] samples = new float[n * 784];
            try (Tensor zs = be.zeros(batch, nz); Tensor out = be.zeros(batch, 784)) {
                for (int i = 0; i < n; i += batch) {
                    int b = Math.min(batch, n - i);
                    float[] part = new float[b * nz];
                    System.arraycopy(sampleNoise, i * nz, part, 0, b * nz);
                    be.write(zs.rowRange(0, b), part);
                    gan.generate(zs.rowRange(0, b), out.rowRange(0, b));
                    float[] img = be.read(out.rowRange(0, b));
                    for (int k = 0; k < img.length; k++) {
                        samples[i * 784 + k] = (img[k] + 1) / 2;
                    }
                }
            }
            Path file = dir.resolve("latentcl-" + tag + ".npy");
            Files.write(file, Npy.encode(samples, n, 784));
            System.out.println("wrote " + file);
        }
    }

    /** The first n Fashion-MNIST training images in [-1, 1], as torch_ref.py scales them. */
    private static float[] images(int n) {
        byte[] raw = Idx.read(Path.of(FASHION)).data();
        float[] out = new float[n * 784];
        for (int i = 0; i < out.length; i++) {
            out[i] = (raw[i] & 0xff) / 255.0f * 2 - 1;
        }
        return out;
    }

    /** Both networks' parameters and statistics under their checkpoint names. */
    private static Map<String, float[]> networks(GanNetwork gan) {
        Map<String, float[]> all = new LinkedHashMap<>(gan.generatorParameters().toHost());
        all.putAll(gan.discriminatorParameters().toHost());
        DcganTwinTest.statistics(gan).forEach(b -> all.put(b.name(), b.read()));
        return all;
    }

    /**
     * Per network, ||ours - PyTorch's|| relative to ||PyTorch's - its start||: 0 while the twins agree, near 1 or
     * more once they have gone separate ways.
     */
    private static void distances(int step, Safetensors.Contents trace, Map<String, float[]> init, Map<String, float[]> ours) {
        for (String net : new String[] {"gen.", "disc."}) {
            double apart = 0;
            double moved = 0;
            double oursMoved = 0;
            for (var e : ours.entrySet()) {
                if (!e.getKey().startsWith(net) || e.getKey().contains("running")) {
                    continue;
                }
                float[] theirs = trace.tensors().get("snap" + step + "." + e.getKey()).data();
                float[] start = trace.tensors().get("init." + e.getKey()).data();
                float[] mine = e.getValue();
                float[] mineStart = init.get(e.getKey());
                for (int i = 0; i < theirs.length; i++) {
                    apart += sq(mine[i] - theirs[i]);
                    moved += sq(theirs[i] - start[i]);
                    oursMoved += sq(mine[i] - mineStart[i]);
                }
            }
            System.out.printf(Locale.ROOT, "     %s step %d: apart %.4g, PyTorch moved %.4g, LatentCL moved %.4g, apart/moved %.3f%n",
                    net.substring(0, net.length() - 1), step, Math.sqrt(apart), Math.sqrt(moved), Math.sqrt(oursMoved), Math.sqrt(apart / moved));
        }
    }

    private static double sq(double v) {
        return v * v;
    }
}
