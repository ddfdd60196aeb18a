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
 * implicit-GEMM launch ({@link ImplicitConv}) on each of a few tile shapes, and their backward passes (the weight, bias and
 * input gradients) the layers' way and as implicit GEMMs ({@link ImplicitConvBackward}); {@code bench conv} prints the
 * tables and, with {@code --tune}, stores the shapes and passes where the implicit GEMMs were faster ({@link ConvTuning}),
 * which their {@code Conv2d} layers then take.
 */
public final class ConvTuner {
    /**
     * One convolution of a model at its training batch; {@code inputGradient}: whether training needs its input's gradient
     * (not where the input is the data: the conv VAE's first layer; the discriminator's first layer passes the gradient to the
     * generator).
     */
    public record Layer(String model, String name, ConvShape shape, int out, boolean inputGradient) {
        public double flops() {
            return 2.0 * out * shape.patch() * shape.positions();
        }

        /** "N C H W > OUT, K STRIDE PAD". */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "%d %d %d %d > %d, %d %d %d", shape.n(), shape.channels(), shape.height(), shape.width(),
                    out, shape.kh(), shape.stride(), shape.pad());
        }

        /** The same convolution on batches of {@code batch} images. */
        public Layer atBatch(int batch) {
            ConvShape s = shape;
            return new Layer(model, name, new ConvShape(batch, s.channels(), s.height(), s.width(), s.kh(), s.kw(), s.stride(), s.pad()), out,
                    inputGradient);
        }

        String key() {
            return ConvTuning.key(shape.n(), shape.channels(), shape.height(), shape.width(), out, shape.kh(), shape.kw(), shape.stride(),
                    shape.pad());
        }
    }

    /** The conv VAE's convolutions at batch 128 and the 28x28 DCGAN discriminator's at batch 64. */
    public static final List<Layer> LAYERS = List.of(
            new Layer("convvae", "enc.0", new ConvShape(128, 1, 28, 28, 4, 4, 2, 1), 32, false),
            new Layer("convvae", "enc.2", new ConvShape(128, 32, 14, 14, 4, 4, 2, 1), 64, true),
            new Layer("dcgan", "disc.0", new ConvShape(64, 1, 28, 28, 4, 4, 2, 1), 64, true),
            new Layer("dcgan", "disc.2", new ConvShape(64, 64, 14, 14, 4, 4, 2, 1), 128, true),
            new Layer("dcgan", "disc.5", new ConvShape(64, 128, 7, 7, 4, 4, 2, 1), 256, true),
            new Layer("dcgan", "disc.8", new ConvShape(64, 256, 3, 3, 3, 3, 1, 0), 1, true));

    /** The implicit GEMM's tiles tried: gemm_local's default, and smaller and narrower ones for few channels. */
    static final List<ClBackend.LocalGemmConfig> TILES = List.of(ImplicitConv.DEFAULT_TILES, new ClBackend.LocalGemmConfig(32, 64, 16, 4, 4),
            new ClBackend.LocalGemmConfig(32, 32, 16, 4, 4), new ClBackend.LocalGemmConfig(16, 64, 16, 2, 4), ImplicitConv.SMALL_TILES);

    /** The implicit GEMM is kept where it takes at most this share of the layers' way: 5% faster at least, beyond timing noise. */
    public static final double KEEP_BELOW = 0.95;

    private static final Activation ACT = Activation.leakyRelu(0.2f);

    /**
     * One layer's medians, in ms per call.
     *
     * @param layers       im2col, the device's GEMM, the channel-major copy
     * @param local        the same with the local-tile GEMM on its best tiles
     * @param implicit     the implicit GEMM on its best tiles
     * @param tiles        those tiles
     * @param backLayers   the backward pass the layers' way: the channel-major copy of dy, im2col, dW = dy' cols^T, db, and
     *                     where training needs it, W^T, W^T dy', col2im through the gate
     * @param backImplicit the backward pass as implicit GEMMs (and db from dy in NCHW) on their best tiles
     * @param backTiles    those tiles
     */
    public record Row(Layer layer, double layers, double local, double implicit, ClBackend.LocalGemmConfig tiles, double backLayers,
                      double backImplicit, ClBackend.LocalGemmConfig backTiles) {
        /** Whether {@code --tune} keeps the implicit GEMM for this layer's forward pass. */
        public boolean implicitWins() {
            return implicit <= KEEP_BELOW * layers;
        }

        /** Whether {@code --tune} keeps the implicit GEMMs for this layer's backward pass. */
        public boolean implicitBackwardWins() {
            return backImplicit <= KEEP_BELOW * backLayers;
        }
    }

    private ConvTuner() {
    }

    /** Times one layer on {@code cl}; {@code median} gives the median ms of a call on a backend (warm-up included). */
    public static Row measure(ClBackend cl, Layer layer, ToDoubleBiFunction<ClBackend, Runnable> median) {
        return measure(cl, List.of(layer), median).get(0);
    }

    /**
     * Times {@code layers} on {@code cl}, one row each. Each tile shape's backend (its kernels built for those tiles) is opened
     * once for all the layers, not once per layer.
     */
    public static List<Row> measure(ClBackend cl, List<Layer> layers, ToDoubleBiFunction<ClBackend, Runnable> median) {
        List<Best> bests = new ArrayList<>();
        for (Layer layer : layers) {
            bests.add(new Best(layer, timed(cl, layer, median, im2colGemm(cl, layer)), timed(cl, layer, median, layersBackward(cl, layer))));
        }
        for (ClBackend.LocalGemmConfig t : TILES) {
            if (t.groupSize() > cl.device().maxWorkGroupSize() || t.localBytes() > cl.device().localMemBytes()) {
                continue;
            }
            // A backend whose GEMM runs on these tiles: the same product with and without the columns in memory.
            try (ClBackend local = new ClBackend(cl.device(), t, 0)) {
                for (Best best : bests) {
                    Layer layer = best.layer;
                    ConvShape s = layer.shape();
                    best.local = Math.min(best.local, timed(local, layer, median, im2colGemm(local, layer)));
                    double ms = timed(local, layer, median, (x, w, b, cols, cm, y, dx, dw, wt) -> ImplicitConv.forward(local, s, w, x, y, b, ACT, t));
                    if (ms < best.implicit) {
                        best.implicit = ms;
                        best.tiles = t;
                    }
                    double back = timed(local, layer, median, implicitBackward(local, layer, t));
                    if (back < best.backImplicit) {
                        best.backImplicit = back;
                        best.backTiles = t;
                    }
                }
            }
        }
        return bests.stream().map(Best::row).toList();
    }

    /** One layer's times so far: the layers' way, and the best of the tiles tried. */
    private static final class Best {
        final Layer layer;
        final double layers;
        final double backLayers;
        double local = Double.POSITIVE_INFINITY;
        double implicit = Double.POSITIVE_INFINITY;
        double backImplicit = Double.POSITIVE_INFINITY;
        ClBackend.LocalGemmConfig tiles;
        ClBackend.LocalGemmConfig backTiles;

        Best(Layer layer, double layers, double backLayers) {
            this.layer = layer;
            this.layers = layers;
            this.backLayers = backLayers;
        }

        Row row() {
            return new Row(layer, layers, local, implicit, tiles, backLayers, backImplicit, backTiles);
        }
    }

    /** The choices of {@code rows} (the implicit GEMM where it won), stored for the device; returns the file. */
    public static Path save(ClBackend cl, List<Row> rows) throws IOException {
        Map<String, ClBackend.LocalGemmConfig> implicit = new LinkedHashMap<>();
        Map<String, ClBackend.LocalGemmConfig> backward = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.implicitWins()) {
                implicit.put(r.layer().key(), r.tiles());
            }
            if (r.implicitBackwardWins()) {
                backward.put(r.layer().key(), r.backTiles());
            }
        }
        new ConvTuning(implicit, backward).save(cl.device());
        return ConvTuning.file(cl.device());
    }

    /** One timed pass over the layer's tensors: y doubles as dy in the backward passes, x's gradient goes to dx, W's to dw. */
    private interface Forward {
        void run(Tensor x, Tensor w, Tensor b, Tensor cols, Tensor cm, Tensor y, Tensor dx, Tensor dw, Tensor wt);
    }

    /** The backward pass the layers' way ({@code Conv2d.backward}, the weight's transpose included: it is made once a step). */
    private static Forward layersBackward(ClBackend cl, Layer layer) {
        ConvShape s = layer.shape();
        return (x, w, b, cols, cm, y, dx, dw, wt) -> {
            ChannelMajor.toChannelMajor(cl, y, layer.out(), cm);
            Im2Col.im2col(cl, s, x, cols);
            Gemm.gemm(cl, false, true, 1f, cm, cols, 0f, dw, null, Activation.IDENTITY);
            RowSums.rowSums(cl, cm, 1f, 0f, b);
            if (!layer.inputGradient()) {
                return;
            }
            Transpose.transpose(cl, w, wt);
            Gemm.gemm(cl, false, false, 1f, wt, cm, 0f, cols, null, Activation.IDENTITY);
            Im2Col.col2im(cl, s, cols, 0f, dx, ConvEpilogue.gated(x, ACT));
        };
    }

    /** The backward pass as implicit GEMMs on the tiles {@code t}, the weight gradient split as Conv2d splits it. */
    private static Forward implicitBackward(ClBackend cl, Layer layer, ClBackend.LocalGemmConfig t) {
        ConvShape s = layer.shape();
        int splits = ImplicitConvBackward.splits(t, layer.out(), s.patch(), s.positions(), cl.device().computeUnits());
        return (x, w, b, cols, cm, y, dx, dw, wt) -> {
            ImplicitConvBackward.weightGradient(cl, s, y, x, 0f, dw, t, splits);
            ChannelBias.channelBiasGradient(cl, y, 0f, b);
            if (!layer.inputGradient()) {
                return;
            }
            ImplicitConvBackward.inputGradient(cl, s, w, y, dx, ConvEpilogue.gated(x, ACT), t);
        };
    }

    /** The layers' way on {@code cl}. */
    private static Forward im2colGemm(ClBackend cl, Layer layer) {
        ConvShape s = layer.shape();
        return (x, w, b, cols, cm, y, dx, dw, wt) -> {
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
             Tensor y = cl.upload(SelfCheck.random(rnd, s.n() * layer.out() * s.outHeight() * s.outWidth(), 1f), s.n(),
                     layer.out() * s.outHeight() * s.outWidth());
             Tensor dx = cl.zeros(s.n(), s.imageSize()); Tensor dw = cl.zeros(layer.out(), s.patch()); Tensor wt = cl.zeros(s.patch(), layer.out())) {
            return median.applyAsDouble(cl, () -> f.run(x, w, b, cols, cm, y, dx, dw, wt));
        }
    }

    /** The layers of {@code model} (convvae, dcgan or all). */
    public static List<Layer> layers(String model) {
        return layers(model, 0);
    }

    /** The layers of {@code model} (convvae, dcgan or all) at batch {@code batch} (0: each model's training batch). */
    public static List<Layer> layers(String model, int batch) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : LAYERS) {
            if (model.equals("all") || model.equals(l.model())) {
                out.add(batch <= 0 ? l : l.atBatch(batch));
            }
        }
        return out;
    }
}
