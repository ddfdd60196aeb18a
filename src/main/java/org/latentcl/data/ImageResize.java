package org.latentcl.data;

/**
 * Resizing images held as channel planes: the shorter side scaled to {@code size} with an
 * antialiased bilinear (triangle) filter, whose support widens with the downscale factor so every
 * source pixel counts (as PIL's BILINEAR resize, which torchvision's Resize uses), then the centre
 * size x size crop (torchvision's CenterCrop, which rounds the offset half to even).
 */
public final class ImageResize {
    private ImageResize() {
    }

    /**
     * @param planes   channels x height x width values
     * @param channels planes
     * @param height   source height
     * @param width    source width
     * @param size     the side of the result
     * @return channels x size x size values
     */
    public static float[] resizeAndCrop(float[] planes, int channels, int height, int width, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("the image size must be positive, got " + size);
        }
        if (height == size && width == size) {
            return planes.clone();
        }
        // Resize(size): the shorter side becomes size, the other keeps the aspect ratio (truncated, as torchvision).
        int newH = height <= width ? size : (int) ((long) size * height / width);
        int newW = height <= width ? (int) ((long) size * width / height) : size;
        float[] rows = resample(planes, channels, height, width, newW, true);
        float[] both = resample(rows, channels, height, newW, newH, false);
        // Python's round, which torchvision's CenterCrop calls, takes halves to the even side: rint, not Math.round.
        int top = (int) Math.rint((newH - size) / 2.0);
        int left = (int) Math.rint((newW - size) / 2.0);
        float[] out = new float[channels * size * size];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < size; y++) {
                System.arraycopy(both, (c * newH + top + y) * newW + left, out, (c * size + y) * size, size);
            }
        }
        return out;
    }

    /** One separable pass: along rows (to newLen columns) when horizontal, else along columns (to newLen rows). */
    private static float[] resample(float[] in, int channels, int h, int w, int newLen, boolean horizontal) {
        int oldLen = horizontal ? w : h;
        int outH = horizontal ? h : newLen;
        int outW = horizontal ? newLen : w;
        float[] out = new float[channels * outH * outW];
        double scale = (double) oldLen / newLen;
        double support = Math.max(1.0, scale);
        for (int o = 0; o < newLen; o++) {
            double centre = (o + 0.5) * scale;
            int from = Math.max(0, (int) Math.floor(centre - support));
            int to = Math.min(oldLen, (int) Math.ceil(centre + support));
            double[] weights = new double[to - from];
            double total = 0;
            for (int i = from; i < to; i++) {
                double t = Math.abs((i + 0.5 - centre) / support);
                weights[i - from] = Math.max(0, 1 - t);
                total += weights[i - from];
            }
            for (int c = 0; c < channels; c++) {
                int lines = horizontal ? h : w;
                for (int line = 0; line < lines; line++) {
                    double acc = 0;
                    for (int i = from; i < to; i++) {
                        int at = horizontal ? (c * h + line) * w + i : (c * h + i) * w + line;
                        acc += weights[i - from] * in[at];
                    }
                    int dst = horizontal ? (c * outH + line) * outW + o : (c * outH + o) * outW + line;
                    out[dst] = (float) (acc / total);
                }
            }
        }
        return out;
    }
}
