package org.latentcl;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.latentcl.io.Images;

/**
 * Turns a batch of images (rows of height x width values in [0, 1], or of channels x height x width
 * for colour, NCHW as {@link Vae#sample} or {@link Gan#generate} return them for image data) into
 * one picture: a grid, each pixel drawn as a 2 x 2 block, with a thin dark gap between images.
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
        return of(images, 1, height, width, columns);
    }

    /**
     * The grid of colour (or grey) images as an image.
     *
     * @param images   rows of channels x height x width values (the red plane, then green, then blue); clipped to [0, 1]
     * @param channels 1 (grey) or 3 (RGB)
     * @param height   image height in pixels
     * @param width    image width in pixels
     * @param columns  images per grid row
     * @return an RGB image
     * @throws IllegalArgumentException when a row has the wrong length, channels is not 1 or 3, or a size is not positive
     */
    public static BufferedImage of(float[][] images, int channels, int height, int width, int columns) {
        if (height < 1 || width < 1 || columns < 1) {
            throw new IllegalArgumentException("height, width and columns must be positive, got " + height + ", " + width + ", " + columns);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 (grey) or 3 (RGB) channels, got " + channels);
        }
        if (images.length == 0) {
            throw new IllegalArgumentException("there are no images to draw");
        }
        float[] flat = Rows.flatten(images, channels * height * width, "images");
        return Images.grid(flat, images.length, channels, height, width, Math.min(columns, images.length), 2);
    }

    /**
     * Writes the grid of colour (or grey) images as a PNG file, eight images a row, completely or not at all.
     *
     * @param images   rows of channels x height x width values
     * @param channels 1 or 3
     * @param height   image height in pixels
     * @param width    image width in pixels
     * @param file     the PNG file to write
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void write(float[][] images, int channels, int height, int width, Path file) {
        try {
            Images.writePng(of(images, channels, height, width, 8), file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
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

    /**
     * Writes the grid of colour (or grey) images as a PNG file with the given images a row, completely or not at all.
     *
     * @param images   rows of channels x height x width values
     * @param channels 1 or 3
     * @param height   image height in pixels
     * @param width    image width in pixels
     * @param columns  images per grid row
     * @param file     the PNG file to write
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void writePng(float[][] images, int channels, int height, int width, int columns, Path file) {
        try {
            Images.writePng(of(images, channels, height, width, columns), file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
