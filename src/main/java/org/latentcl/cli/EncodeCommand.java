package org.latentcl.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.latentcl.CheckpointInfo;
import org.latentcl.Checkpoints;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.Vae;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Npy;
import org.latentcl.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code latentcl encode}: a VAE's latent means of a dataset, as .npy, for plotting or for another model. */
@Command(name = "encode", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Write a VAE's posterior means of a dataset's rows (float32 [n, latent]) to a .npy file; "
                + "with --logvar, the log-variances after them ([n, 2 latent]).")
final class EncodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, description = "A VAE checkpoint.safetensors written by train vae.")
    Path checkpoint;

    @Option(names = "--data", description = "The data to encode (default: the data the model was trained on).")
    String data;

    @Option(names = "--split", defaultValue = "test", description = "test or train: which split of the data.")
    String split;

    @Option(names = "--logvar", description = "Write the log-variances too, after the means.")
    boolean logvar;

    @Option(names = "--out", required = true, description = "Output file, .npy.")
    Path out;

    @Option(names = "--device", defaultValue = "auto", description = "auto, java, cl:N or part of a device name (one device).")
    String device;

    @Override
    public Integer call() throws IOException {
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            throw new UsageException("--out must end in .npy, got " + out);
        }
        if (!split.equals("test") && !split.equals("train")) {
            throw new UsageException("--split must be test or train, got " + split);
        }
        CheckpointInfo info = Checkpoints.inspect(checkpoint);
        if (!info.model().equals("vae")) {
            throw new UsageException(checkpoint + " is a " + info.model() + " checkpoint; encode needs a VAE's (a GAN has no encoder)");
        }
        String spec = data != null ? data : info.data();
        DataSplit both = ModelFiles.dataFor(info, spec);
        Dataset rows = split.equals("test") ? both.test() : both.train();
        if (rows.cols() != info.features()) {
            throw new UsageException("data " + spec + " has " + rows.cols() + " features but the model's have " + info.features());
        }
        try (Device d = Devices.get(device); Vae vae = Checkpoints.loadVae(checkpoint, d)) {
            int[] classes = null;
            if (vae.classes() > 0) {
                if (!rows.hasLabels()) {
                    throw new UsageException("the VAE is conditional, so encoding needs each row's class, and " + rows.name() + " has no labels");
                }
                classes = rows.labels();
            }
            Vae.Encoding e = vae.encode(rows.toArray(), classes);
            int n = rows.rows();
            int l = vae.latent();
            int width = logvar ? 2 * l : l;
            float[] values = new float[n * width];
            for (int i = 0; i < n; i++) {
                System.arraycopy(e.mu()[i], 0, values, i * width, l);
                if (logvar) {
                    System.arraycopy(e.logvar()[i], 0, values, i * width + l, l);
                }
            }
            AtomicFiles.write(out, Npy.encode(values, n, width));
            this.spec.commandLine().getOut().printf(Locale.ROOT, "wrote the %s of %,d %s rows of %s to %s (float32 [%d, %d])%n",
                    logvar ? "posterior means and log-variances" : "posterior means", n, split, spec, out, n, width);
        }
        return Main.EXIT_OK;
    }
}
