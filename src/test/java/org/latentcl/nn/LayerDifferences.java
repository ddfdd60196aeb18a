package org.latentcl.nn;

import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;

/** What the layers' central-difference checks share: the loss sum(c . layer(x)) in double, and x with one value moved. */
final class LayerDifferences {
    private LayerDifferences() {
    }

    /** sum over i of c[i] y[i] for y = layer(x), x of rows x inputSize values (evaluation mode). */
    static double weightedSum(Backend be, Layer layer, float[] x, float[] c, int rows) {
        try (Tensor tx = be.upload(x, rows, layer.inputSize()); Tensor ty = be.zeros(rows, layer.outputSize())) {
            layer.forward(tx, ty, false);
            float[] y = be.read(ty);
            double s = 0;
            for (int i = 0; i < y.length; i++) {
                s += (double) c[i] * y[i];
            }
            return s;
        }
    }

    /** A copy of x with h added to x[i]. */
    static float[] moved(float[] x, int i, double h) {
        float[] out = x.clone();
        out[i] += (float) h;
        return out;
    }
}
