package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The default batch by kind and data size: the MLP GAN on images halves its 64 until an epoch has 500 steps, down to 16. */
class GanKindTest {
    @Test
    void theMlpOnImagesKeepsFiveHundredStepsAnEpoch() {
        assertEquals(64, GanKind.MLP.batchFor(54_000));      // Fashion-MNIST's training split
        assertEquals(64, GanKind.MLP.batchFor(32_000));      // exactly 500 steps
        assertEquals(32, GanKind.MLP.batchFor(31_999));
        assertEquals(32, GanKind.MLP.batchFor(16_000));
        assertEquals(16, GanKind.MLP.batchFor(15_999));
        assertEquals(16, GanKind.MLP.batchFor(9_000));       // the embedded digits
        assertEquals(16, GanKind.MLP.batchFor(10));
        // The other kinds keep theirs.
        assertEquals(128, GanKind.MLP_PAPER.batchFor(9_000));
        assertEquals(64, GanKind.DCGAN.batchFor(9_000));
        assertEquals(64, GanKind.DCGAN_PAPER.batchFor(100));
        assertEquals(25, GanKind.POINTS.batchFor(1_000));
    }
}
