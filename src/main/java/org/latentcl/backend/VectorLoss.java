package org.latentcl.backend;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Java backend's binary cross-entropy with logits on Java's Vector API, in double precision like
 * its scalar loop: the floats are widened, and exp is the Vector API's (on x86 in JDK 17 the JIT calls
 * a vector math library for it; the scalar loop spends about 20 ns per element in Math.exp and
 * Math.log). Each lane computes what the scalar loop does; the sum adds lane by lane and then across
 * the lanes, so it differs from the scalar sum only in rounding. Loaded only when the module is present.
 * <p>
 * The float vectors have the same species as {@link VectorGemm}'s and {@link VectorAdam}'s: a second
 * float species in the same JVM made the JIT box Adam's vectors (5x slower, measured).
 */
final class VectorLoss {
    private static final VectorSpecies<Float> F = VectorGemm.S;
    /** Doubles in registers of the same size: each float vector widens into two of them. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED.vectorBitSize() == F.vectorBitSize()
            ? DoubleVector.SPECIES_PREFERRED : F.vectorBitSize() == 512 ? DoubleVector.SPECIES_512 : DoubleVector.SPECIES_256;

    private VectorLoss() {
    }

    /**
     * Elements [from, to) of sum max(x, 0) - x y + log(1 + exp(-|x|)), with y from t (or the constant
     * target when t is null), writing g = gradScale * (sigmoid(x) - y) when g is not null. Stops at the
     * last whole vector: {@code sum[0]} gets the sum, and the return value is the first element left.
     * The sum and the gradient are two passes, each a method of its own: in one method C2 ran out of its
     * inlining budget and boxed the vectors (allocating about 400 KB per call and running 3x slower).
     */
    static int bce(int from, int to, float[] l, int lo, float[] t, int to0, float target, float[] g, int go, float gradScale,
                   double[] sum) {
        // A constant target reads one vector of it at index 0 (no vector is chosen by a branch: C2 would box it).
        float[] ys = t == null ? filled(F.length(), target) : t;
        int yBase = t == null ? 0 : to0;
        int yStep = t == null ? 0 : 1;
        sum[0] = lossSum(from, to, l, lo, ys, yBase, yStep);
        if (g != null) {
            gradient(from, to, l, lo, ys, yBase, yStep, g, go, gradScale);
        }
        return from + (to - from) / F.length() * F.length();
    }

    private static double lossSum(int from, int to, float[] l, int lo, float[] ys, int yBase, int yStep) {
        DoubleVector acc = DoubleVector.zero(D);
        int n = F.length();
        for (int i = from; i + n <= to; i += n) {
            FloatVector xf = FloatVector.fromArray(F, l, lo + i);
            FloatVector yf = FloatVector.fromArray(F, ys, yBase + yStep * i);
            // The two halves of the float vector, widened to doubles.
            for (int part = 0; part < 2; part++) {
                DoubleVector x = (DoubleVector) xf.convertShape(VectorOperators.F2D, D, part);
                DoubleVector y = (DoubleVector) yf.convertShape(VectorOperators.F2D, D, part);
                DoubleVector e = x.abs().neg().lanewise(VectorOperators.EXP);
                acc = acc.add(x.max(0.0).sub(x.mul(y)).add(log1p(e)));
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** g = gradScale * (sigmoid(x) - y), sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) below, as the scalar loop computes it. */
    private static void gradient(int from, int to, float[] l, int lo, float[] ys, int yBase, int yStep, float[] g, int go, float gradScale) {
        int n = F.length();
        DoubleVector one = DoubleVector.broadcast(D, 1.0);
        for (int i = from; i + n <= to; i += n) {
            FloatVector xf = FloatVector.fromArray(F, l, lo + i);
            DoubleVector x0 = (DoubleVector) xf.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector x1 = (DoubleVector) xf.convertShape(VectorOperators.F2D, D, 1);
            DoubleVector e0 = x0.abs().neg().lanewise(VectorOperators.EXP);
            DoubleVector e1 = x1.abs().neg().lanewise(VectorOperators.EXP);
            DoubleVector s0 = one.blend(e0, x0.compare(VectorOperators.LT, 0.0)).div(e0.add(1.0));
            DoubleVector s1 = one.blend(e1, x1.compare(VectorOperators.LT, 0.0)).div(e1.add(1.0));
            // Narrowed into the low (part 0) and high (part -1) half of a float vector, zeros elsewhere.
            FloatVector sig = ((FloatVector) s0.convertShape(VectorOperators.D2F, F, 0))
                    .add((FloatVector) s1.convertShape(VectorOperators.D2F, F, -1));
            sig.sub(FloatVector.fromArray(F, ys, yBase + yStep * i)).mul(gradScale).intoArray(g, go + i);
        }
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, value);
        return a;
    }

    /** log(1 + e) for e in [0, 1], as JavaBackend.log1pSmall computes it (the Vector API's LOG1P is not intrinsic in JDK 17). */
    private static DoubleVector log1p(DoubleVector e) {
        DoubleVector u = e.add(1.0);
        DoubleVector r = u.lanewise(VectorOperators.LOG).mul(e).div(u.sub(1.0));
        return r.blend(e, u.compare(VectorOperators.EQ, 1.0));
    }
}
