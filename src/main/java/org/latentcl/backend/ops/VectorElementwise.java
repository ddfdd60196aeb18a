package org.latentcl.backend.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise loops of the Java backend on Java's Vector API, where the JIT does not vectorize the
 * plain loop (it keeps a conditional per element). The same arithmetic as the plain loops, so the
 * same bits. Loaded only when the module is present.
 */
final class VectorElementwise {
    private static final VectorSpecies<Float> S = VectorGemm.S;

    private VectorElementwise() {
    }

    /**
     * dx = dy * f'(x) for ReLU (slope 0) and LeakyReLU, with f' read from the output y: 1 where y > 0,
     * else slope. Elements [from, to) of the three arrays, each at its own offset; returns the first
     * element left to the caller (the tail shorter than a vector).
     */
    static int reluBackward(int from, int to, float[] y, int yo, float[] dy, int dyo, float[] dx, int dxo, float slope) {
        int i = from;
        for (; i + S.length() <= to; i += S.length()) {
            FloatVector g = FloatVector.fromArray(S, dy, dyo + i);
            FloatVector out = g.mul(slope).blend(g, FloatVector.fromArray(S, y, yo + i).compare(VectorOperators.GT, 0f));
            out.intoArray(dx, dxo + i);
        }
        return i;
    }
}
