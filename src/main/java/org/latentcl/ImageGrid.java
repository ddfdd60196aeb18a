package org.latentcl;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.latentcl.io.Images;

/**
 * Turns a batch of grey images (rows of height x width values in [0, 1], such as
 * {@link Vae#sample} or {@link Gan#generate} return for image data) into one picture: a grid,
 * each pixel drawn as a 2 x 2 block, with a thin dark gap between images.
 */
public final class ImageGrid {
    private ImageGrid() {
    }

    /**
     * The grid as an image.
     *
     * @param images  rows of height x width values, row-major; values outside [0, 1] are clipped
     * @param height  image height in pixels
     * @param width   image width in pixels
     * @param columns images per grid row
     * @return an RGB image
     * @throws IllegalArgumentException when a row is not height x width values or a size is not positive
     */
    public static BufferedImage of(float[][] images, int height, int width, int columns) {
        if (height < 1 || width < 1 || columns < 1) {
            throw new IllegalArgumentException("height, width and columns must be positive, got " + height + ", " + width + ", " + columns);
        }
        if (images.length == 0) {
            throw new IllegalArgumentException("there are no images to draw");
        }
        float[] flat = Rows.flatten(images, height * width, "images");
        return Images.grid(flat, images.length, height, width, Math.min(columns, images.length), 2);
    }

    /**
     * Writes the grid as a PNG file, completely or not at all.
     *
     * @param images  rows of height x width values
     * @param height  image height in pixels
     * @param width   image width in pixels
     * @param columns images per grid row
     * @param file    the PNG file to write
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void writePng(float[][] images, int height, int width, int columns, Path file) {
        try {
            Images.writePng(of(images, height, width, columns), file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
