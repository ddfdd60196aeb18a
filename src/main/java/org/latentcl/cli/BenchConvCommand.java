package org.latentcl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.DeviceSelector;
import org.latentcl.backend.ops.ConvTuner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench conv}: the models' forward convolutions three ways on one OpenCL device ({@link ConvTuner}). */
@Command(name = "conv", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Time the forward convolutions of the conv VAE (batch 128) and the 28x28 DCGAN's discriminator (batch 64): as "
                + "the layers run them (im2col, the device's GEMM, the channel-major copy), the same with the local-tile GEMM, and as "
                + "one implicit-GEMM launch (convImplicit), each on its best tiles, and their backward passes the layers' way and as implicit "
                + "GEMMs; prints the median ms per call and GFLOP/s.")
final class BenchConvCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cl:N or part of a device name (an OpenCL device).")
    String device;

    @Option(names = "--model", defaultValue = "all", description = "convvae, dcgan or all.")
    String model;

    @Option(names = "--repeat", defaultValue = "10", description = "Timed samples per variant (after warm-up).")
    int repeat;

    @Option(names = "--batch", description = "Time (and with --tune, store) the convolutions at this batch instead of the models' "
            + "training batches (128 for the conv VAE, 64 for the DCGAN): a tuning holds only the batches it was measured at.")
    Integer batch;

    @Option(names = "--tune", description = "Store the convolutions (forward and backward passes apart) where the implicit GEMMs were at least "
            + "5%% faster than the layers' way in the device's tuning files; Conv2d layers of exactly those shapes (batch included) then "
            + "run them.")
    boolean tune;

    @Override
    public void run() {
        String m = model.toLowerCase(Locale.ROOT);
        if (!m.equals("all") && !m.equals("convvae") && !m.equals("dcgan")) {
            throw new UsageException("--model must be convvae, dcgan or all, got '" + model + "'");
        }
        if (repeat < 1) {
            throw new UsageException("--repeat must be at least 1, got " + repeat);
        }
        if (batch != null && batch < 1) {
            throw new UsageException("--batch must be at least 1, got " + batch);
        }
        DeviceSelector.Choice choice = DeviceSelector.choose(device);
        if (choice.isJava()) {
            throw new UsageException("bench conv compares OpenCL kernels; choose an OpenCL device with --device cl:N (" + choice.reason() + ")");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Backend be = DeviceSelector.open(device)) {
            ClBackend cl = (ClBackend) be;
            out.println("forward convolutions on " + be.name() + ", median ms per call (GFLOP/s): the layers' way (im2col, the device's "
                    + "GEMM, the channel-major copy), the same on the local-tile GEMM, and the implicit GEMM, each on its best tiles");
            out.printf(Locale.ROOT, "%-8s %-7s %-26s %15s %15s %15s  %-16s %s%n", "model", "layer", "N C H W > out, k s p", "layers' way",
                    "im2col + local", "implicit", "implicit tiles", "implicit / layers', / im2col + local");
            List<ConvTuner.Row> rows = ConvTuner.measure(cl, ConvTuner.layers(m, batch == null ? 0 : batch),
                    (b, call) -> BenchCommand.Gemm.timed(b, call, repeat, null)[repeat / 2]);
            for (ConvTuner.Row r : rows) {
                print(out, r);
            }
            out.println("backward passes (dW, db and dx through a LeakyReLU gate; no dx where the input is the data), median ms per call "
                    + "(GFLOP/s): the layers' way (the channel-major copy, im2col, two GEMMs, W^T, col2im) and as implicit GEMMs "
                    + "(convImplicitWeightGrad, convImplicitInputGrad)");
            out.printf(Locale.ROOT, "%-8s %-7s %-26s %15s %15s  %-16s %s%n", "model", "layer", "N C H W > out, k s p", "layers' way",
                    "implicit", "implicit tiles", "implicit / layers'");
            for (ConvTuner.Row r : rows) {
                printBackward(out, r);
            }
            if (tune) {
                try {
                    out.println("saved " + ConvTuner.save(cl, rows) + ": forward " + names(rows, ConvTuner.Row::implicitWins) + ", backward "
                            + names(rows, ConvTuner.Row::implicitBackwardWins) + " run as implicit GEMMs; later runs on this device use it");
                } catch (IOException e) {
                    throw new UsageException("cannot write the convolution tuning file: " + e.getMessage());
                }
            }
        }
    }

    private static void print(PrintWriter out, ConvTuner.Row r) {
        ConvTuner.Layer layer = r.layer();
        ClBackend.LocalGemmConfig t = r.tiles();
        out.printf(Locale.ROOT, "%-8s %-7s %-26s %7.3f (%5.1f) %7.3f (%5.1f) %7.3f (%5.1f)  %-16s %.2f, %.2f%n", layer.model(), layer.name(),
                layer.describe(), r.layers(), gflops(layer, r.layers()), r.local(), gflops(layer, r.local()), r.implicit(), gflops(layer, r.implicit()),
                String.format(Locale.ROOT, "%dx%dx%d, %dx%d", t.tsm(), t.tsn(), t.tsk(), t.wptm(), t.wptn()), r.implicit() / r.layers(),
                r.implicit() / r.local());
        out.flush();
    }

    private static List<String> names(List<ConvTuner.Row> rows, java.util.function.Predicate<ConvTuner.Row> which) {
        return rows.stream().filter(which).map(r -> r.layer().model() + " " + r.layer().name()).toList();
    }

    private static void printBackward(PrintWriter out, ConvTuner.Row r) {
        ConvTuner.Layer layer = r.layer();
        ClBackend.LocalGemmConfig t = r.backTiles();
        // dW and dx: a product of the forward pass's size each.
        double flops = (layer.inputGradient() ? 2 : 1) * layer.flops();
        out.printf(Locale.ROOT, "%-8s %-7s %-26s %7.3f (%5.1f) %7.3f (%5.1f)  %-16s %.2f%n", layer.model(), layer.name(), layer.describe(),
                r.backLayers(), flops / (r.backLayers() * 1e6), r.backImplicit(), flops / (r.backImplicit() * 1e6),
                String.format(Locale.ROOT, "%dx%dx%d, %dx%d", t.tsm(), t.tsn(), t.tsk(), t.wptm(), t.wptn()), r.backImplicit() / r.backLayers());
        out.flush();
    }

    private static double gflops(ConvTuner.Layer layer, double ms) {
        return layer.flops() / (ms * 1e6);
    }
}
