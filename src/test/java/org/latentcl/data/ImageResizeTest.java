package org.latentcl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * Resize + CenterCrop against PIL 9.4's answers (torchvision's {@code Resize(size)} on a PIL image is
 * {@code img.resize((w, h), Image.BILINEAR)}, then {@code CenterCrop(size)} with Python's {@code round}, which rounds
 * halves to even): one image of h x w values ((37 i mod 23) / 22 for pixel i, row-major) per case, written by
 *
 * <pre>
 * v = np.array([((i * 37) % 23) / 22.0 for i in range(h * w)], dtype=np.float32).reshape(h, w)
 * r = Image.fromarray(v, mode='F').resize((nw, nh), Image.BILINEAR)   # nh, nw: the shorter side to size, truncated
 * top, left = int(round((nh - size) / 2.0)), int(round((nw - size) / 2.0))
 * </pre>
 *
 * Downscales by non-integer factors (5x7 to 3, 11x5 to 2), an upscale (4x9 to 6) and a tall image (7x4 to 3); 5x7
 * to 3 resizes to 3x4 and crops with a left offset of round(0.5) = 0.
 */
class ImageResizeTest {
    private static float[] image(int h, int w) {
        float[] v = new float[h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (((i * 37) % 23) / 22.0);
        }
        return v;
    }

    private static void matchesPil(int h, int w, int size, float[] pil) {
        assertArrayEquals(pil, ImageResize.resizeAndCrop(image(h, w), 1, h, w, size), 2e-6f, h + "x" + w + " to " + size);
        // Two channels: each plane resized alone.
        float[] two = new float[2 * h * w];
        System.arraycopy(image(h, w), 0, two, 0, h * w);
        System.arraycopy(image(h, w), 0, two, h * w, h * w);
        float[] both = ImageResize.resizeAndCrop(two, 2, h, w, size);
        assertArrayEquals(pil, java.util.Arrays.copyOfRange(both, size * size, 2 * size * size), 2e-6f, "the second channel");
    }

    @Test
    void downscalesMatchPil() {
        matchesPil(5, 7, 3, new float[] {
            0.4004329f, 0.4787013f, 0.4787013f, 0.4694565f, 0.4565656f, 0.6191919f, 0.4468151f, 0.4158442f, 0.5054545f});
        matchesPil(11, 5, 2, new float[] {0.4910124f, 0.5091942f, 0.5852273f, 0.4386708f});
        matchesPil(7, 4, 3, new float[] {
            0.5843434f, 0.3257576f, 0.4737374f, 0.5851240f, 0.6549587f, 0.3921488f, 0.5267677f, 0.6515152f, 0.4510101f});
    }

    @Test
    void anUpscaleMatchesPil() {
        matchesPil(4, 9, 6, new float[] {
            0.6188811f, 0.7377623f, 0.4545455f, 0.1713287f, 0.2902098f, 0.6503497f,
            0.5472028f, 0.6258742f, 0.7045454f, 0.4213287f, 0.3391609f, 0.4178322f,
            0.4918415f, 0.5437063f, 0.8636364f, 0.5804196f, 0.3642191f, 0.2552448f,
            0.5571095f, 0.6625874f, 0.5000000f, 0.2167832f, 0.2686480f, 0.5349650f,
            0.5017482f, 0.5804196f, 0.6590909f, 0.3758742f, 0.2937063f, 0.3723776f,
            0.4300699f, 0.4685315f, 0.9090909f, 0.6258742f, 0.3426574f, 0.1398601f});
    }
}
