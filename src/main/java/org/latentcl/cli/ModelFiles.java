package org.latentcl.cli;

import java.nio.file.Path;
import org.latentcl.backend.Backend;
import org.latentcl.model.Gan;
import org.latentcl.model.GanConfig;
import org.latentcl.model.Vae;
import org.latentcl.model.VaeConfig;
import org.latentcl.train.GanCheckpoint;
import org.latentcl.train.Safetensors;
import org.latentcl.train.VaeCheckpoint;

/** Loading a trained model from a checkpoint for the sample and eval commands. */
final class ModelFiles {
    private ModelFiles() {
    }

    /** A VAE built from a checkpoint's configuration, with its parameters loaded, for batches of up to maxBatch rows. */
    static Vae loadVae(Backend be, Safetensors.Contents c, Path file, int maxBatch) {
        VaeConfig config = VaeCheckpoint.config(c, file);
        Vae vae = new Vae(be, config, maxBatch);
        try {
            VaeCheckpoint.load(vae, c, file);
            return vae;
        } catch (RuntimeException e) {
            vae.close();
            throw e;
        }
    }

    /** A GAN built from a checkpoint's configuration, with its parameters loaded. */
    static Gan loadGan(Backend be, Safetensors.Contents c, Path file, int maxBatch) {
        GanConfig config = GanCheckpoint.config(c, file);
        Gan gan = new Gan(be, config, maxBatch);
        try {
            GanCheckpoint.load(gan, c, file);
            return gan;
        } catch (RuntimeException e) {
            gan.close();
            throw e;
        }
    }

    /** "vae" or "gan"; anything else is rejected with the file's name. */
    static String model(Safetensors.Contents c, Path file) {
        String m = c.metadata().get(VaeCheckpoint.MODEL_KEY);
        if (!"vae".equals(m) && !"gan".equals(m)) {
            throw new UsageException(file + ": not a LatentCL checkpoint (model " + (m == null ? "missing" : "'" + m + "'")
                    + " in the safetensors metadata)");
        }
        return m;
    }

    /** The image shape recorded in the checkpoint, or a square guess, or null when the data are not images. */
    static int[] imageShape(Safetensors.Contents c, int input) {
        String h = c.metadata().get("image_height");
        String w = c.metadata().get("image_width");
        if (h != null && w != null) {
            return new int[] {Integer.parseInt(h), Integer.parseInt(w)};
        }
        int side = (int) Math.round(Math.sqrt(input));
        return side * side == input ? new int[] {side, side} : null;
    }
}
