package org.latentcl.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A directory of PNG or JPEG images, as torchvision's ImageFolder reads one: each subdirectory is a
 * class (labels in sorted order), or, without subdirectories, the images in the directory itself
 * (no labels). Decoded with javax.imageio; grey when every image is grey, RGB otherwise (NCHW rows,
 * values in [0, 1]). Images of different sizes need a common {@code size}: each is resized so its
 * shorter side is {@code size} and centre-cropped to size x size ({@link ImageResize}), as
 * torchvision's Resize(size) + CenterCrop(size).
 */
public final class ImageFolder {
    private ImageFolder() {
    }

    /**
     * Whether a directory holds PNG or JPEG images, directly or in class subdirectories.
     *
     * @param dir the directory
     * @return true when it has images or subdirectories to read them from
     */
    public static boolean isImageDirectory(Path dir) {
        try {
            return !classDirectories(dir).isEmpty() || !images(dir).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads every image under dir.
     *
     * @param dir  the directory
     * @param size the side to resize and crop to, or 0 to keep the images' own (common) size
     * @return the images, labelled by subdirectory when there are subdirectories
     * @throws DataException naming an unreadable image, or two images of different sizes without a size
     */
    public static Dataset read(Path dir, int size) {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try {
            List<Path> classes = classDirectories(dir);
            if (classes.isEmpty()) {
                files.addAll(images(dir));
            }
            for (int c = 0; c < classes.size(); c++) {
                for (Path f : images(classes.get(c))) {
                    files.add(f);
                    labels.add(c);
                }
            }
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list the directory (" + e.getMessage() + ")");
        }
        if (files.isEmpty()) {
            throw new DataException(dir + ": no .png or .jpg images in it or in its subdirectories");
        }
        // Each image becomes its planes (resized when asked) right after decoding: only one decoded picture is held at a time.
        List<float[]> planes = new ArrayList<>(files.size());
        List<Boolean> grey = new ArrayList<>(files.size());
        int h = size;
        int w = size;
        for (int i = 0; i < files.size(); i++) {
            BufferedImage img = decode(files.get(i));
            boolean g = isGrey(img);
            if (size == 0) {
                if (i == 0) {
                    h = img.getHeight();
                    w = img.getWidth();
                } else if (img.getHeight() != h || img.getWidth() != w) {
                    throw new DataException(dir + ": images differ in size (" + files.get(0).getFileName() + " is " + w + "x" + h + ", "
                            + files.get(i).getFileName() + " is " + img.getWidth() + "x" + img.getHeight()
                            + "); give --image-size N to resize them");
                }
            }
            float[] p = planes(img, g ? 1 : 3);
            planes.add(size > 0 ? ImageResize.resizeAndCrop(p, g ? 1 : 3, img.getHeight(), img.getWidth(), size) : p);
            grey.add(g);
        }
        int channels = grey.contains(false) ? 3 : 1;
        int plane = h * w;
        float[] values = new float[files.size() * channels * plane];
        for (int i = 0; i < files.size(); i++) {
            float[] p = planes.get(i);
            for (int c = 0; c < channels; c++) {
                // A grey image among colour ones takes its one plane as red, green and blue.
                System.arraycopy(p, grey.get(i) ? 0 : c * plane, values, (i * channels + c) * plane, plane);
            }
        }
        int[] l = labels.isEmpty() ? null : labels.stream().mapToInt(Integer::intValue).toArray();
        String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        return new Dataset(name, values, files.size(), channels * h * w, l, channels, h, w);
    }

    private static List<Path> classDirectories(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    private static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(ImageFolder::isImageName).sorted().toList();
        }
    }

    private static boolean isImageName(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /**
     * The largest image side and pixel count decoded (16.7 megapixels: a 12-megapixel photo fits); an
     * image whose header claims more is refused before it is decoded, since decoding takes about 16
     * bytes a pixel.
     */
    static final int MAX_SIDE = 16384;
    static final long MAX_PIXELS = 1L << 24;

    private static BufferedImage decode(Path f) {
        try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            java.util.Iterator<javax.imageio.ImageReader> readers = in == null ? java.util.Collections.emptyIterator() : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DataException(f + ": not a readable PNG or JPEG image");
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w > MAX_SIDE || h > MAX_SIDE || (long) w * h > MAX_PIXELS) {
                    throw new DataException(f + ": the image claims " + w + "x" + h + " pixels (at most " + MAX_SIDE + " a side and "
                            + MAX_PIXELS + " in all)");
                }
                BufferedImage img = reader.read(0);
                if (img == null) {
                    throw new DataException(f + ": not a readable PNG or JPEG image");
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException d) {
                throw d;
            }
            throw new DataException(f + ": not a readable PNG or JPEG image (" + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()) + ")");
        }
    }

    private static boolean isGrey(BufferedImage img) {
        return img.getColorModel().getColorSpace().getNumComponents() == 1;
    }

    /** The image's pixels as channel planes in [0, 1] (alpha dropped; grey images' single plane). */
    private static float[] planes(BufferedImage img, int channels) {
        int h = img.getHeight();
        int w = img.getWidth();
        float[] out = new float[channels * h * w];
        boolean grey = isGrey(img);
        java.awt.image.Raster raster = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (grey) {
                    // The raster's own sample (8 or 16 bits) scaled by its range, not the sRGB conversion getRGB would apply.
                    int bits = raster.getSampleModel().getSampleSize(0);
                    float v = raster.getSample(x, y, 0) / (float) ((1 << bits) - 1);
                    for (int c = 0; c < channels; c++) {
                        out[(c * h + y) * w + x] = v;
                    }
                } else {
                    int rgb = img.getRGB(x, y);
                    out[y * w + x] = ((rgb >> 16) & 0xFF) / 255f;
                    out[(h + y) * w + x] = ((rgb >> 8) & 0xFF) / 255f;
                    out[(2 * h + y) * w + x] = (rgb & 0xFF) / 255f;
                }
            }
        }
        return out;
    }
}
