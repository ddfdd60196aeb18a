package org.latentcl.cli;

import java.nio.file.Path;
import org.latentcl.backend.Backend;
import org.latentcl.model.Gan;
import org.latentcl.model.Vae;
import org.latentcl.train.GanCheckpoint;
import org.latentcl.train.Safetensors;
import org.latentcl.train.VaeCheckpoint;

/** Loading a trained model from a checkpoint for the sample and eval commands. */
final class ModelFiles {
    private ModelFiles() {
    }

    /** A VAE built from a checkpoint's configuration, with its parameters loaded, for batches of up to maxBatch rows. */
    static Vae loadVae(Backend be, Safetensors.Contents c, Path file, int maxBatch) {
        return loaded(new Vae(be, VaeCheckpoint.config(c, file), maxBatch), vae -> VaeCheckpoint.load(vae, c, file));
    }

    /** A GAN built from a checkpoint's configuration, with its parameters loaded. */
    static Gan loadGan(Backend be, Safetensors.Contents c, Path file, int maxBatch) {
        return loaded(new Gan(be, GanCheckpoint.config(c, file), maxBatch), gan -> GanCheckpoint.load(gan, c, file));
    }

    /** The model after {@code load}; if loading fails, its device memory is released before the error goes on. */
    private static <M extends AutoCloseable> M loaded(M model, java.util.function.Consumer<M> load) {
        try {
            load.accept(model);
            return model;
        } catch (RuntimeException e) {
            try {
                model.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
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
