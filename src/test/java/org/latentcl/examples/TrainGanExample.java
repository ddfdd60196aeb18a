package org.latentcl.examples;

import java.nio.file.Path;
import java.util.List;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.Gan;
import org.latentcl.GanEpochMetrics;
import org.latentcl.ImageGrid;
import org.latentcl.GanTrainer;
import org.latentcl.TrainingListener;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;

/**
 * Trains the default GAN on the embedded digits with early stopping on the failure-mode
 * warnings, and writes generated digits (docs/API.md shows this code).
 */
public final class TrainGanExample {
    private TrainGanExample() {
    }

    /**
     * Runs the example.
     *
     * @param args the output folder (default {@code gan-example}) and the epochs (default 20)
     */
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "gan-example");
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        run(out, epochs);
    }

    /**
     * Trains a GAN and draws from it.
     *
     * @param out    a folder for the picture
     * @param epochs the most epochs to train
     * @return the metrics of every epoch trained
     */
    public static List<GanEpochMetrics> run(Path out, int epochs) {
        Dataset digits = Datasets.load("default").train();
        try (Device device = Devices.auto();
             Gan gan = Gan.builder().noise(64).generator(256, 512).discriminator(512, 256).device(device).build()) {
            TrainingListener stopOnCollapse = new TrainingListener() {
                private boolean collapsed;

                @Override
                public void ganEpoch(GanEpochMetrics m) {
                    System.out.printf("epoch %d: D(x) %.2f, D(G(z)) %.2f, diversity %.2f %s%n",
                            m.epoch(), m.dReal(), m.dFake(), m.diversity(), m.warnings());
                    collapsed = m.diversity() < 0.2;
                }

                @Override
                public boolean stopRequested() {
                    return collapsed;
                }
            };
            GanTrainer trainer = GanTrainer.builder().epochs(epochs).batch(128).learningRate(2e-4f).beta1(0.5f).k(1)
                    .listener(stopOnCollapse).build();
            List<GanEpochMetrics> history = trainer.fit(gan, digits);

            float[][] fakes = gan.generate(64, 7);
            ImageGrid.writePng(fakes, 28, 28, 8, out.resolve("generated.png"));
            float[] realness = gan.discriminate(fakes);
            System.out.printf("the discriminator gives the first sample %.2f%n", realness[0]);
            return history;
        }
    }
}
