package org.latentcl.examples;

import java.nio.file.Path;
import org.latentcl.CheckpointInfo;
import org.latentcl.Checkpoints;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.Gan;
import org.latentcl.Model;
import org.latentcl.SampleScores;
import org.latentcl.Vae;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Datasets;

/** What {@code eval} does, through the API: a checkpoint inspected, loaded and scored on its data's test split (docs/API.md shows this code). */
public final class EvaluateCheckpointExample {
    private EvaluateCheckpointExample() {
    }

    /**
     * Runs the example.
     *
     * @param args the checkpoint, for example {@code runs/vae-.../checkpoint.safetensors}
     */
    public static void main(String[] args) {
        System.out.println(run(Path.of(args[0])));
    }

    /**
     * Scores a VAE by its test -ELBO and IWAE estimate, a GAN by the Parzen likelihood of the test data under its samples.
     *
     * @param file a VAE or GAN checkpoint
     * @return the figures in words
     */
    public static String run(Path file) {
        CheckpointInfo info = Checkpoints.inspect(file);   // read and checked on the host: no device yet
        DataSplit data = Datasets.load(info.data());
        try (Device device = Devices.auto(); Model model = Checkpoints.load(file, device)) {
            if (model instanceof Vae vae) {
                float[][] x = data.test().toArray();
                int[] classes = vae.classes() > 0 ? data.test().labels() : null;
                Vae.Evaluation e = vae.evaluate(x, classes, 1);
                double iwae = vae.iwae(x, classes, 50, 1);
                return String.format(java.util.Locale.ROOT, "-ELBO %.2f nats (reconstruction %.2f, KL %.2f), IWAE(50) %.2f", e.loss(), e.reconstruction(), e.kl(), iwae);
            }
            float[][] samples = ((Gan) model).generate(10_000, 1);
            SampleScores.Parzen p = SampleScores.parzen(device, samples, data);
            return String.format(java.util.Locale.ROOT, "Parzen log-likelihood %.1f +- %.1f nats (sigma %.2f)", p.logLikelihood(), p.standardError(), p.sigma());
        }
    }
}
