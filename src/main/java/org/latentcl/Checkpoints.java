package org.latentcl;

import org.latentcl.train.RunFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.latentcl.backend.JavaBackend;
import org.latentcl.io.Safetensors;
import org.latentcl.model.GanNetwork;
import org.latentcl.model.ImageShape;
import org.latentcl.model.VaeNetwork;
import org.latentcl.train.GanCheckpoint;
import org.latentcl.train.VaeCheckpoint;

/**
 * Saves and loads models as safetensors files, the format the command line writes
 * ({@code checkpoint.safetensors}): parameters in PyTorch's layout, the model and its
 * configuration in the metadata. PyTorch reads them with the {@code safetensors} package
 * ({@code tools/load_checkpoint.py}).
 */
public final class Checkpoints {
    private Checkpoints() {
    }

    /**
     * Writes a model's weights and configuration (creating the folder if needed); the file appears complete or not at all
     * (written to a temporary file, then renamed).
     *
     * @param model a VAE or a GAN
     * @param file  where to write, usually ending in {@code .safetensors}
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void save(Model model, Path file) {
        try {
            if (model instanceof Vae vae) {
                VaeCheckpoint.save(vae.live(0), file, Map.of());
            } else if (model instanceof Gan gan) {
                GanCheckpoint.save(gan.live(0), file, Map.of());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a VAE onto a device.
     *
     * @param file   a VAE checkpoint
     * @param device where to put it
     * @return the VAE, which holds device memory until closed
     * @throws IllegalArgumentException naming the file and the problem: missing, not safetensors,
     *                                  corrupt, a GAN checkpoint, or weights that disagree with the configuration
     */
    public static Vae loadVae(Path file, Device device) {
        Safetensors.Contents c = Safetensors.read(file);
        return new Vae(device, false, VaeCheckpoint.config(c, file), Vae.DEFAULT_BATCH, v -> VaeCheckpoint.load(v, c, file));
    }

    /**
     * Loads a GAN onto a device.
     *
     * @param file   a GAN checkpoint
     * @param device where to put it
     * @return the GAN, which holds device memory until closed; its generator is the checkpoint's generator
     *         average where it holds one ({@link GanTrainer.Builder#generatorAverage})
     * @throws IllegalArgumentException naming the file and the problem, as for {@link #loadVae}
     */
    public static Gan loadGan(Path file, Device device) {
        Safetensors.Contents c = Safetensors.read(file);
        return new Gan(device, false, GanCheckpoint.config(c, file), Vae.DEFAULT_BATCH, g -> GanCheckpoint.loadForSampling(g, c, file));
    }

    /**
     * Loads a GAN onto a device with the generator of one's choice: the generator average (as {@link #loadGan(Path, Device)}
     * does where the checkpoint holds one; StyleGAN's G_ema) or the trained generator (G), for example to see what the
     * average changes.
     *
     * @param file    a GAN checkpoint
     * @param device  where to put it
     * @param average true for the generator average, false for the trained generator
     * @return the GAN, which holds device memory until closed
     * @throws IllegalArgumentException naming the file and the problem, as for {@link #loadVae}, and when an average is
     *                                  asked of a checkpoint that holds none
     */
    public static Gan loadGan(Path file, Device device, boolean average) {
        Safetensors.Contents c = Safetensors.read(file);
        return new Gan(device, false, GanCheckpoint.config(c, file), Vae.DEFAULT_BATCH, g -> GanCheckpoint.loadForSampling(g, c, file, average));
    }

    /**
     * Loads whichever model a checkpoint holds.
     *
     * @param file   a VAE or GAN checkpoint
     * @param device where to put it
     * @return a {@link Vae} or a {@link Gan}
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static Model load(Path file, Device device) {
        Safetensors.Contents c = Safetensors.read(file);
        String model = c.metadata().get(RunFiles.MODEL_KEY);
        if ("gan".equals(model)) {
            return new Gan(device, false, GanCheckpoint.config(c, file), Vae.DEFAULT_BATCH, g -> GanCheckpoint.loadForSampling(g, c, file));
        }
        return new Vae(device, false, VaeCheckpoint.config(c, file), Vae.DEFAULT_BATCH, v -> VaeCheckpoint.load(v, c, file));
    }

    /**
     * Reads a checkpoint's model, shape, classes and data and checks every tensor against its configuration, on the host
     * (no device is opened): a broken file is reported before anything else happens.
     *
     * @param file a VAE or GAN checkpoint
     * @return what it holds
     * @throws IllegalArgumentException naming the file and the problem: missing, not safetensors, not a LatentCL
     *                                  checkpoint, corrupt, or weights that disagree with the configuration
     */
    public static CheckpointInfo inspect(Path file) {
        Safetensors.Contents c = Safetensors.read(file);
        String model = c.metadata().get(RunFiles.MODEL_KEY);
        if (!"vae".equals(model) && !"gan".equals(model)) {
            throw new IllegalArgumentException(file + ": not a LatentCL checkpoint (model " + (model == null ? "missing" : "'" + model + "'")
                    + " in the safetensors metadata)");
        }
        int features;
        int classes;
        ImageShape image;
        // Every tensor is loaded into a model of batch 1 on a one-thread Java backend: the check a device would make, made first.
        try (JavaBackend host = new JavaBackend(1, false)) {
            if (model.equals("vae")) {
                try (VaeNetwork vae = VaeCheckpoint.open(host, c, file, 1)) {
                    features = vae.config().input();
                    classes = vae.config().classes();
                    image = vae.config().image();
                }
            } else {
                try (GanNetwork gan = GanCheckpoint.open(host, c, file, 1)) {
                    features = gan.config().data();
                    classes = gan.config().classes();
                    image = gan.config().image();
                }
            }
        }
        Map<String, String> meta = c.metadata();
        String data = meta.getOrDefault("data", "default");
        if (image != null) {
            return new CheckpointInfo(model, features, classes, image.channels(), image.height(), image.width(), data);
        }
        // A training run records its images' shape; a grey image from before colour images names no channels.
        int channels = whole(meta, "image_channels", meta.containsKey("image_height") ? 1 : 0, file);
        return new CheckpointInfo(model, features, classes, channels, whole(meta, "image_height", 0, file), whole(meta, "image_width", 0, file), data);
    }

    /** A whole number of the metadata, or the default when absent; an {@link IllegalArgumentException} naming the file when not a number. */
    private static int whole(Map<String, String> meta, String key, int absent, Path file) {
        String v = meta.get(key);
        if (v == null) {
            return absent;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": the metadata's " + key + " is '" + v + "', not a whole number");
        }
    }

    /**
     * The epochs a training run was started to reach, as its run directory's state.safetensors
     * records them: what resuming it without a new number of epochs trains to.
     *
     * @param runDirectory a run directory, as {@code train} or a trainer with an output directory writes it
     * @return the target, or empty when the directory records none (no state, or written by a LatentCL before 0.1 recorded it)
     */
    public static java.util.OptionalInt targetEpochs(Path runDirectory) {
        return org.latentcl.train.RunFiles.targetEpochs(runDirectory);
    }
}
