package org.latentcl.backend.ops;

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

    /** A constant target of 0 or 1 (the GAN's) is read from one of these, one vector long; others get an array per call. */
    private static final float[] ZEROS = filled(0f);
    private static final float[] ONES = filled(1f);

    /** Where the whole vectors of [from, to) end: the first element left to a scalar loop. */
    static int vectorEnd(int from, int to) {
        return from + (to - from) / F.length() * F.length();
    }

    /**
     * The sum of max(x, 0) - x y + log(1 + exp(-|x|)) over [from, end) (whole vectors), with y from t at
     * offset to0, or the constant target when t is null. The sum and the gradient are separate methods:
     * in one method C2 ran out of its inlining budget and boxed the vectors (allocating about 400 KB per
     * call and running 3x slower).
     */
    static double lossSum(int from, int end, float[] l, int lo, float[] t, int to0, float target) {
        // A constant target reads one vector of it at index 0 (no vector is chosen by a branch: C2 would box it).
        return lossSum(from, end, l, lo, t == null ? constant(target) : t, t == null ? 0 : to0, t == null ? 0 : 1);
    }

    /** g = gradScale * (sigmoid(x) - y) over [from, end) (whole vectors), y as in {@link #lossSum(int, int, float[], int, float[], int, float)}. */
    static void gradient(int from, int end, float[] l, int lo, float[] t, int to0, float target, float[] g, int go, float gradScale) {
        gradient(from, end, l, lo, t == null ? constant(target) : t, t == null ? 0 : to0, t == null ? 0 : 1, g, go, gradScale);
    }

    private static float[] constant(float target) {
        return target == 0f ? ZEROS : target == 1f ? ONES : filled(target);
    }

    private static double lossSum(int from, int end, float[] l, int lo, float[] ys, int yBase, int yStep) {
        DoubleVector acc = DoubleVector.zero(D);
        int n = F.length();
        for (int i = from; i + n <= end; i += n) {
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

    /** sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) below, as the scalar loop computes it. */
    private static void gradient(int from, int end, float[] l, int lo, float[] ys, int yBase, int yStep, float[] g, int go, float gradScale) {
        int n = F.length();
        DoubleVector one = DoubleVector.broadcast(D, 1.0);
        for (int i = from; i + n <= end; i += n) {
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

    private static float[] filled(float value) {
        float[] a = new float[F.length()];
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
