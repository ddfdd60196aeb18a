package org.latentcl.cli;

import org.latentcl.train.RunFiles;
import java.nio.file.Path;
import org.latentcl.io.Safetensors;
import org.latentcl.train.VaeCheckpoint;

/** Loading a trained model from a checkpoint for the sample and eval commands. */
final class ModelFiles {
    private ModelFiles() {
    }

    /** "vae" or "gan"; anything else is rejected with the file's name. */
    static String model(Safetensors.Contents c, Path file) {
        String m = c.metadata().get(RunFiles.MODEL_KEY);
        if (!"vae".equals(m) && !"gan".equals(m)) {
            throw new UsageException(file + ": not a LatentCL checkpoint (model " + (m == null ? "missing" : "'" + m + "'")
                    + " in the safetensors metadata)");
        }
        return m;
    }

    /**
     * The features per example of a checkpoint's model, after checking its configuration and every
     * tensor: done before a device is opened, it reports a broken checkpoint as the command's only line.
     */
    static int features(Safetensors.Contents c, Path file, String model) {
        // Every tensor is checked against the configuration on the host (a one-thread Java backend, batch 1), so that a
        // broken checkpoint is reported before anything else.
        try (org.latentcl.backend.JavaBackend host = new org.latentcl.backend.JavaBackend(1, false)) {
            if (model.equals("vae")) {
                try (var vae = VaeCheckpoint.open(host, c, file, 1)) {
                    return vae.config().input();
                }
            }
            try (var gan = org.latentcl.train.GanCheckpoint.open(host, c, file, 1)) {
                return gan.config().data();
            }
        }
    }

    /**
     * The image shape recorded in the checkpoint as {channels, height, width} (channels 1 when a
     * checkpoint from before colour images names none), or a square grey guess, or null when the data
     * are not images.
     */
    static int[] imageShape(Safetensors.Contents c, int input) {
        String h = c.metadata().get("image_height");
        String w = c.metadata().get("image_width");
        if (h != null && w != null) {
            return new int[] {Integer.parseInt(c.metadata().getOrDefault("image_channels", "1")), Integer.parseInt(h), Integer.parseInt(w)};
        }
        int side = (int) Math.round(Math.sqrt(input));
        return side * side == input ? new int[] {1, side, side} : null;
    }

    /**
     * The data a checkpoint's model is scored or encoded on: images at another size are resized to
     * the model's, as train did; rows of numbers are taken as they are. Loaded twice only when the
     * images need resizing.
     */
    static org.latentcl.data.DataSplit dataFor(Safetensors.Contents c, String spec) {
        org.latentcl.data.DataSplit split = org.latentcl.data.Datasets.load(spec, 0);
        int size = squareImageSize(c);
        org.latentcl.data.Dataset test = split.test();
        if (test.isImage() && size > 0 && (test.height() != size || test.width() != size)) {
            split = org.latentcl.data.Datasets.load(spec, size);
        }
        return split;
    }

    /** The side of the checkpoint's images when they are square (what --image-size made them), else 0. */
    static int squareImageSize(Safetensors.Contents c) {
        int h = Integer.parseInt(c.metadata().getOrDefault("image_height", "0"));
        return h == Integer.parseInt(c.metadata().getOrDefault("image_width", "0")) ? h : 0;
    }
}
