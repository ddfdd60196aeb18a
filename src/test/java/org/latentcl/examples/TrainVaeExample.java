package org.latentcl.examples;

import java.nio.file.Path;
import java.util.List;
import org.latentcl.Checkpoints;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.EpochMetrics;
import org.latentcl.ImageGrid;
import org.latentcl.VaeTrainer;
import org.latentcl.TrainingListener;
import org.latentcl.Vae;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Datasets;
import org.latentcl.data.Decoder;

/**
 * Trains the default VAE on the embedded MNIST digits, prints each epoch, and writes samples,
 * reconstructions and a checkpoint into a folder (docs/API.md shows this code).
 */
public final class TrainVaeExample {
    private TrainVaeExample() {
    }

    /**
     * Runs the example.
     *
     * @param args the output folder (default {@code vae-example}) and the epochs (default 10)
     */
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "vae-example");
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        run(out, epochs);
    }

    /**
     * Trains, uses and saves a VAE.
     *
     * @param out    a folder for the pictures and the checkpoint
     * @param epochs how long to train
     * @return the metrics of the last epoch
     */
    public static EpochMetrics run(Path out, int epochs) {
        DataSplit data = Datasets.load("default");
        try (Device device = Devices.auto();
             Vae vae = Vae.builder().input(784).hidden(400).latent(20).decoder(Decoder.BERNOULLI).device(device).build()) {
            VaeTrainer trainer = VaeTrainer.builder()
                    .epochs(epochs)
                    .batch(128)
                    .learningRate(1e-3f)
                    .seed(1)
                    .listener(new TrainingListener() {
                        @Override
                        public void epoch(EpochMetrics m) {
                            System.out.printf("epoch %d: train %.2f, test %.2f nats%n", m.epoch(), m.trainLoss(), m.testLoss());
                        }
                    })
                    .build();
            List<EpochMetrics> history = trainer.fit(vae, data);

            float[][] digits = vae.sample(64, 7);
            ImageGrid.writePng(digits, 28, 28, 8, out.resolve("samples.png"));

            float[][] x = data.test().head(16).toArray();
            Vae.Encoding posterior = vae.encode(x);
            float[][] again = vae.decode(posterior.mu());
            ImageGrid.writePng(again, 28, 28, 8, out.resolve("reconstructions.png"));

            Checkpoints.save(vae, out.resolve("vae.safetensors"));
            return history.get(history.size() - 1);
        }
    }
}
