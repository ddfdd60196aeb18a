package org.latentcl.backend.ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleBiFunction;
import org.latentcl.backend.Activation;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.ConvTuning;
import org.latentcl.backend.Tensor;

/**
 * Times the models' forward convolutions on one OpenCL device the way the layers run them (im2col, the device's
 * GEMM, the channel-major copy with the bias and activation), the same on the local-tile GEMM, and as one
 * implicit-GEMM launch ({@link ImplicitConv}) on each of a few tile shapes; {@code bench conv} prints the table and,
 * with {@code --tune}, stores the shapes where the implicit GEMM was faster ({@link ConvTuning}), which their
 * {@code Conv2d} layers then take.
 */
public final class ConvTuner {
    /** One forward convolution of a model at its training batch. */
    public record Layer(String model, String name, ConvShape shape, int out) {
        public double flops() {
            return 2.0 * out * shape.patch() * shape.positions();
        }

        /** "N C H W > OUT, K STRIDE PAD". */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "%d %d %d %d > %d, %d %d %d", shape.n(), shape.channels(), shape.height(), shape.width(),
                    out, shape.kh(), shape.stride(), shape.pad());
        }

        String key() {
            return ConvTuning.key(shape.n(), shape.channels(), shape.height(), shape.width(), out, shape.kh(), shape.kw(), shape.stride(),
                    shape.pad());
        }
    }

    /** The conv VAE's convolutions at batch 128 and the 28x28 DCGAN discriminator's at batch 64. */
    public static final List<Layer> LAYERS = List.of(
            new Layer("convvae", "enc.0", new ConvShape(128, 1, 28, 28, 4, 4, 2, 1), 32),
            new Layer("convvae", "enc.2", new ConvShape(128, 32, 14, 14, 4, 4, 2, 1), 64),
            new Layer("dcgan", "disc.0", new ConvShape(64, 1, 28, 28, 4, 4, 2, 1), 64),
            new Layer("dcgan", "disc.2", new ConvShape(64, 64, 14, 14, 4, 4, 2, 1), 128),
            new Layer("dcgan", "disc.5", new ConvShape(64, 128, 7, 7, 4, 4, 2, 1), 256),
            new Layer("dcgan", "disc.8", new ConvShape(64, 256, 3, 3, 3, 3, 1, 0), 1));

    /** The implicit GEMM's tiles tried: gemm_local's default, and smaller and narrower ones for few channels. */
    static final List<ClBackend.LocalGemmConfig> TILES = List.of(ImplicitConv.DEFAULT_TILES, new ClBackend.LocalGemmConfig(32, 64, 16, 4, 4),
            new ClBackend.LocalGemmConfig(32, 32, 16, 4, 4), new ClBackend.LocalGemmConfig(16, 64, 16, 2, 4), ImplicitConv.SMALL_TILES);

    /** The implicit GEMM is kept where it takes at most this share of the layers' way: 5% faster at least, beyond timing noise. */
    public static final double KEEP_BELOW = 0.95;

    private static final Activation ACT = Activation.leakyRelu(0.2f);

    /**
     * One layer's medians, in ms per call.
     *
     * @param layers   im2col, the device's GEMM, the channel-major copy
     * @param local    the same with the local-tile GEMM on its best tiles
     * @param implicit the implicit GEMM on its best tiles
     * @param tiles    those tiles
     */
    public record Row(Layer layer, double layers, double local, double implicit, ClBackend.LocalGemmConfig tiles) {
        /** Whether {@code --tune} keeps the implicit GEMM for this layer. */
        public boolean implicitWins() {
            return implicit <= KEEP_BELOW * layers;
        }
    }

    private ConvTuner() {
    }

    /** Times one layer on {@code cl}; {@code median} gives the median ms of a call on a backend (warm-up included). */
    public static Row measure(ClBackend cl, Layer layer, ToDoubleBiFunction<ClBackend, Runnable> median) {
        ConvShape s = layer.shape();
        double layers = timed(cl, layer, median, im2colGemm(cl, layer));
        double bestLocal = Double.POSITIVE_INFINITY;
        double best = Double.POSITIVE_INFINITY;
        ClBackend.LocalGemmConfig bestTiles = null;
        for (ClBackend.LocalGemmConfig t : TILES) {
            if (t.groupSize() > cl.device().maxWorkGroupSize() || t.localBytes() > cl.device().localMemBytes()) {
                continue;
            }
            // A backend whose GEMM runs on these tiles: the same product with and without the columns in memory.
            try (ClBackend local = new ClBackend(cl.device(), t, 0)) {
                bestLocal = Math.min(bestLocal, timed(local, layer, median, im2colGemm(local, layer)));
                double ms = timed(local, layer, median, (x, w, b, cols, cm, y) -> ImplicitConv.forward(local, s, w, x, y, b, ACT, t));
                if (ms < best) {
                    best = ms;
                    bestTiles = t;
                }
            }
        }
        return new Row(layer, layers, bestLocal, best, bestTiles);
    }

    /** The choices of {@code rows} (the implicit GEMM where it won), stored for the device; returns the file. */
    public static Path save(ClBackend cl, List<Row> rows) throws IOException {
        Map<String, ClBackend.LocalGemmConfig> implicit = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.implicitWins()) {
                implicit.put(r.layer().key(), r.tiles());
            }
        }
        new ConvTuning(implicit).save(cl.device());
        return ConvTuning.file(cl.device());
    }

    private interface Forward {
        void run(Tensor x, Tensor w, Tensor b, Tensor cols, Tensor cm, Tensor y);
    }

    /** The layers' way on {@code cl}. */
    private static Forward im2colGemm(ClBackend cl, Layer layer) {
        ConvShape s = layer.shape();
        return (x, w, b, cols, cm, y) -> {
            Im2Col.im2col(cl, s, x, cols);
            Gemm.gemm(cl, false, false, 1f, w, cols, 0f, cm, null, Activation.IDENTITY);
            ChannelMajor.fromChannelMajor(cl, cm, ConvEpilogue.biasThen(b, ACT), layer.out(), y);
        };
    }

    /** The median ms of {@code f} on the layer's random images, weight and bias, on {@code cl}. */
    private static double timed(ClBackend cl, Layer layer, ToDoubleBiFunction<ClBackend, Runnable> median, Forward f) {
        ConvShape s = layer.shape();
        Random rnd = new Random(1);
        try (Tensor x = cl.upload(SelfCheck.random(rnd, s.n() * s.imageSize(), 1f), s.n(), s.imageSize());
             Tensor w = cl.upload(SelfCheck.random(rnd, layer.out() * s.patch(), 1f), layer.out(), s.patch());
             Tensor b = cl.upload(SelfCheck.random(rnd, layer.out(), 1f), 1, layer.out());
             Tensor cols = cl.zeros(s.patch(), s.positions()); Tensor cm = cl.zeros(layer.out(), s.positions());
             Tensor y = cl.zeros(s.n(), layer.out() * s.outHeight() * s.outWidth())) {
            return median.applyAsDouble(cl, () -> f.run(x, w, b, cols, cm, y));
        }
    }

    /** The layers of {@code model} (convvae, dcgan or all). */
    public static List<Layer> layers(String model) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : LAYERS) {
            if (model.equals("all") || model.equals(l.model())) {
                out.add(l);
            }
        }
        return out;
    }
}
