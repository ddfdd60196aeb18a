package org.latentcl.backend.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Java backend's Adam update on Java's Vector API, 8 or 16 parameters at a time (the scalar loop
 * does not vectorize: the JIT keeps the square root and the division scalar). The same arithmetic
 * as the scalar loop in {@link JavaBackend}, lane by lane: IEEE square root and division, so the
 * results are the same bits. Loaded only when the module is present.
 */
final class VectorAdam {
    /** VectorGemm's species (16 lanes with AVX-512, else 8): one float species for all the Vector API code. */
    private static final VectorSpecies<Float> S = VectorGemm.S;

    private VectorAdam() {
    }

    /** Updates elements [from, to) of the four arrays (each read at its own offset); returns the first element it left to the caller. */
    static int update(int from, int to, float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo,
                      float beta1, float beta2, float eps, float decay, float stepSize, float sqrtC2) {
        int i = from;
        for (; i + S.length() <= to; i += S.length()) {
            FloatVector pi = FloatVector.fromArray(S, p, po + i);
            FloatVector gi = FloatVector.fromArray(S, g, go + i).add(pi.mul(decay));
            FloatVector mi = FloatVector.fromArray(S, m, mo + i).mul(beta1).add(gi.mul(1f - beta1));
            FloatVector vi = FloatVector.fromArray(S, v, vo + i).mul(beta2).add(gi.mul(1f - beta2).mul(gi));
            mi.intoArray(m, mo + i);
            vi.intoArray(v, vo + i);
            FloatVector denom = vi.lanewise(VectorOperators.SQRT).div(sqrtC2).add(eps);
            pi.sub(mi.mul(stepSize).div(denom)).intoArray(p, po + i);
        }
        return i;
    }
}
