package org.latentcl.examples;

import java.nio.file.Path;
import org.latentcl.Checkpoints;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.Gan;
import org.latentcl.Model;
import org.latentcl.Vae;

/**
 * Loads a checkpoint written by {@code train} or {@link Checkpoints#save} and draws from it
 * (docs/API.md shows this code).
 */
public final class LoadCheckpointExample {
    private LoadCheckpointExample() {
    }

    /**
     * Runs the example.
     *
     * @param args the checkpoint, for example {@code runs/vae-.../checkpoint.safetensors}
     */
    public static void main(String[] args) {
        float[][] rows = run(Path.of(args[0]), 4);
        System.out.println(rows.length + " samples of " + rows[0].length + " values");
    }

    /**
     * Draws from whichever model the checkpoint holds.
     *
     * @param file a VAE or GAN checkpoint
     * @param n    how many samples
     * @return the samples
     */
    public static float[][] run(Path file, int n) {
        try (Device device = Devices.java(); Model model = Checkpoints.load(file, device)) {
            if (model instanceof Vae vae) {
                return vae.sample(n, 42);
            }
            return ((Gan) model).generate(n, 42);
        }
    }
}
