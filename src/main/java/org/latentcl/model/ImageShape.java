package org.latentcl.model;

/**
 * The shape of one image example, stored as an NCHW row of channels x height x width values.
 *
 * @param channels colour channels (1 grey, 3 RGB)
 * @param height   rows of pixels
 * @param width    columns of pixels
 */
public record ImageShape(int channels, int height, int width) {
    public ImageShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image dimensions must be positive, got " + this);
        }
    }

    /** Values per example. */
    public int size() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
