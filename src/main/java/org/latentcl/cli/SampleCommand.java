package org.latentcl.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.latentcl.backend.Backend;
import org.latentcl.backend.DeviceSelector;
import org.latentcl.data.Npy;
import org.latentcl.io.AtomicFiles;
import org.latentcl.io.Images;
import org.latentcl.io.Safetensors;
import org.latentcl.model.GanNetwork;
import org.latentcl.model.VaeNetwork;
import org.latentcl.train.GanCheckpoint;
import org.latentcl.train.GanSampling;
import org.latentcl.train.VaeCheckpoint;
import org.latentcl.train.VaeSampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sample}: draws from a trained model's prior and decodes them. */
@Command(name = "sample", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Draw samples from a trained VAE (decoded prior draws) or GAN (G(z)) into a .png grid, or the values into .npy or .csv.")
final class SampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, description = "A checkpoint.safetensors written by train.")
    Path checkpoint;

    @Option(names = "--n", defaultValue = "64", description = "How many samples.")
    int n;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the prior draws.")
    long seed;

    @Option(names = "--out", required = true, description = "Output file: .png (a grid), .npy (float32 [n, D]) or .csv.")
    Path out;

    @Option(names = "--device", defaultValue = "auto", description = "auto, java, cl:N or part of a device name.")
    String device;

    @Override
    public Integer call() throws IOException {
        Flags.positive("--n", n);
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".png") && !name.endsWith(".npy") && !name.endsWith(".csv")) {
            throw new UsageException("--out must end in .png, .npy or .csv, got " + out);
        }
        Safetensors.Contents c = Safetensors.read(checkpoint);
        String model = ModelFiles.model(c, checkpoint);
        ModelFiles.features(c, checkpoint, model);
        try (Backend be = DeviceSelector.open(device)) {
            int d;
            float[] x;
            if (model.equals("vae")) {
                try (VaeNetwork vae = VaeCheckpoint.open(be, c, checkpoint, Math.min(n, 256))) {
                    d = vae.config().input();
                    x = VaeSampling.sample(vae, n, seed);
                }
            } else {
                try (GanNetwork gan = GanCheckpoint.open(be, c, checkpoint, Math.min(n, 256))) {
                    d = gan.config().data();
                    x = GanSampling.generate(gan, n, seed);
                }
            }
            if (name.endsWith(".png")) {
                int[] shape = ModelFiles.imageShape(c, d);
                if (shape == null) {
                    throw new UsageException("the model's " + d + " features are not an image; write .npy or .csv instead");
                }
                int cols = (int) Math.ceil(Math.sqrt(n));
                Images.writePng(Images.grid(x, n, shape[0], shape[1], shape[2], cols, 2), out);
            } else if (name.endsWith(".npy")) {
                AtomicFiles.write(out, Npy.encode(x, n, d));
            } else {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) {
                        if (j > 0) {
                            sb.append(',');
                        }
                        sb.append(x[i * d + j]);
                    }
                    sb.append('\n');
                }
                AtomicFiles.write(out, sb.toString().getBytes(StandardCharsets.UTF_8));
            }
            spec.commandLine().getOut().println("wrote " + n + " samples to " + out);
        }
        return Main.EXIT_OK;
    }
}
