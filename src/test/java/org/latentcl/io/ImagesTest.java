package org.latentcl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Image grids draw grey images as grey and three-channel (NCHW) images as RGB. */
class ImagesTest {
    @Test
    void threeChannelImagesAreDrawnInColour() {
        // One 1x2 image: pixel 0 pure red, pixel 1 a mid green-blue.
        float[] rgb = {1f, 0f, 0f, 0.5f, 0f, 1f};
        BufferedImage img = Images.grid(rgb, 1, 3, 1, 2, 1, 1);
        assertEquals(0xff0000, img.getRGB(1, 1) & 0xffffff);
        assertEquals((128 << 8) | 255, img.getRGB(2, 1) & 0xffffff);
        BufferedImage grey = Images.grid(new float[] {0.5f, 1f}, 1, 1, 2, 1, 1);
        assertEquals(0x808080, grey.getRGB(1, 1) & 0xffffff);
        assertThrows(IllegalArgumentException.class, () -> Images.grid(new float[8], 1, 2, 2, 2, 1, 1));
    }
}
