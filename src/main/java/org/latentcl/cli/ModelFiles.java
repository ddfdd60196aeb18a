package org.latentcl.cli;

import org.latentcl.CheckpointInfo;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;

/** What the sample, eval and encode commands need of a checkpoint beside the model: its pictures' shape and its data. */
final class ModelFiles {
    private ModelFiles() {
    }

    /**
     * The image shape the checkpoint records as {channels, height, width}, or a square grey guess for a checkpoint
     * that records none, or null when the features are not an image.
     */
    static int[] imageShape(CheckpointInfo info) {
        if (info.isImage()) {
            return new int[] {info.channels(), info.height(), info.width()};
        }
        int side = (int) Math.round(Math.sqrt(info.features()));
        return side * side == info.features() ? new int[] {1, side, side} : null;
    }

    /**
     * The data a checkpoint's model is scored or encoded on: images at another size are resized to
     * the model's, as train did; rows of numbers are taken as they are. Loaded twice only when the
     * images need resizing.
     */
    static DataSplit dataFor(CheckpointInfo info, String spec) {
        DataSplit split = Datasets.load(spec, 0);
        int size = info.squareSide();
        Dataset test = split.test();
        if (test.isImage() && size > 0 && (test.height() != size || test.width() != size)) {
            split = Datasets.load(spec, size);
        }
        return split;
    }
}
