package org.latentcl.examples;

import java.nio.file.Path;
import org.latentcl.Gan;
import org.latentcl.ImageGrid;
import org.latentcl.GanTrainer;
import org.latentcl.VaeTrainer;
import org.latentcl.Vae;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Datasets;

/** Trains the convolutional VAE and the DCGAN on coloured shapes and draws the DCGAN's samples (docs/API.md shows this code). */
public final class ConvModelsExample {
    private ConvModelsExample() {
    }

    /**
     * Runs the example on {@code --data shapes}.
     *
     * @param args the output folder (default {@code conv-example}) and the epochs (default 5)
     */
    public static void main(String[] args) {
        run(Datasets.load("shapes"), Path.of(args.length > 0 ? args[0] : "conv-example"), args.length > 1 ? Integer.parseInt(args[1]) : 5);
    }

    /**
     * Trains both models on 32 x 32 colour images and writes the DCGAN's samples to OUT/dcgan.png.
     *
     * @param shapes colour images of 3 x 32 x 32
     * @param out    a folder for the picture
     * @param epochs epochs of each model
     * @return the DCGAN's samples, rows of 3 x 32 x 32 values
     */
    public static float[][] run(DataSplit shapes, Path out, int epochs) {
        try (Vae convVae = Vae.builder().convolutional(3, 32, 32, 32, 64).latent(20).build();
             Gan dcgan = Gan.builder().dcgan(3, 32, 32, 64, 64).build()) {   // ngf = ndf = 64, noise 100, tanh output
            VaeTrainer.builder().epochs(epochs).build().fit(convVae, shapes);
            GanTrainer.builder().epochs(epochs).batch(64).build().fit(dcgan, shapes);
            float[][] fakes = dcgan.generate(16, 7);                         // 16 rows of 3 x 32 x 32 values in [0, 1]
            ImageGrid.write(fakes, 3, 32, 32, out.resolve("dcgan.png"));
            return fakes;
        }
    }
}
