package org.latentcl.backend.ops;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Activation;
import org.latentcl.backend.AdamConfig;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * Devices with small limits: the OpenCL backend forced to tiny work-groups (reductions of 1, 2
 * or 4 work-items, GEMM with one-row tiles and 1x1 groups) must compute what the Java reference does.
 */
class SmallDeviceLimitsTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void tinyWorkGroupsGiveTheSameResults(int maxWorkGroup) {
        ClBackend small = new ClBackend(TestBackends.cl().device(), new ClBackend.GemmConfig(1, 8, new long[] {1, 1}), maxWorkGroup);
        JavaBackend ref = TestBackends.java();
        try (small) {
            Random rnd = new Random(maxWorkGroup);
            int m = 33;
            int n = 7;
            int k = 129;
            float[] a = TestBackends.uniform(rnd, m * k, -1, 1);
            float[] b = TestBackends.uniform(rnd, n * k, -1, 1);
            float[][] c = new float[2][];
            float[][] loss = new float[2][];
            Backend[] both = {ref, small};
            for (int i = 0; i < 2; i++) {
                Backend be = both[i];
                try (Tensor ta = be.upload(a, m, k); Tensor tb = be.upload(b, n, k); Tensor tc = be.zeros(m, n);
                     Tensor out = be.zeros(1, 2)) {
                    Gemm.gemm(be, false, true, 1f, ta, tb, 0f, tc, null, Activation.TANH);
                    BceWithLogits.bceWithLogits(be, tc, null, 1f, 1f, null, out, 0, false);
                    Sum.sum(be, ta, out, 1, false);
                    c[i] = be.read(tc);
                    loss[i] = be.read(out);
                }
            }
            ParityAssert.close("gemm, work-group " + maxWorkGroup, c[0], c[1], 1e-5, 1e-5);
            ParityAssert.close("reductions, work-group " + maxWorkGroup, loss[0], loss[1], 1e-3, 1e-5);
        }
    }

    /**
     * A backend with a work-group limit takes the one-element-per-work-item kernels that GPUs get
     * (adam, gather_rows) rather than the eight-wide CPU ones the other tests exercise on PoCL; they
     * must match the Java reference too, at awkward sizes, as must the fused weight-and-bias gradient.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000})
    void theGpuStyleElementwiseKernelsMatchTheReference(int n) {
        ClBackend gpuStyle = new ClBackend(TestBackends.cl().device(), new ClBackend.GemmConfig(4, 8, new long[] {1, 1}), 4);
        JavaBackend ref = TestBackends.java();
        try (gpuStyle) {
            Random rnd = new Random(n + 5);
            float[] p0 = TestBackends.uniform(rnd, n, -1, 1);
            float[] g0 = TestBackends.uniform(rnd, n, -1, 1);
            float[] src = TestBackends.uniform(rnd, 9 * n, -1, 1);
            float[] idx = {8, 0, 3, 3, 5};
            float[] dy = TestBackends.uniform(rnd, 7 * 33, -1, 1);
            float[] x = TestBackends.uniform(rnd, 7 * n, -1, 1);
            float[][] adam = new float[2][];
            float[][] gathered = new float[2][];
            float[][] grads = new float[2][];
            Backend[] both = {ref, gpuStyle};
            for (int i = 0; i < 2; i++) {
                Backend be = both[i];
                try (Tensor p = be.upload(p0, 1, n); Tensor g = be.upload(g0, 1, n); Tensor m = be.zeros(1, n); Tensor v = be.zeros(1, n);
                     Tensor s = be.upload(src, 9, n); Tensor ix = be.upload(idx, 1, idx.length); Tensor d = be.zeros(idx.length, n);
                     Tensor tdy = be.upload(dy, 7, 33); Tensor tx = be.upload(x, 7, n); Tensor dw = be.zeros(33, n);
                     Tensor db = be.zeros(1, 33)) {
                    for (int step = 1; step <= 3; step++) {
                        AdamUpdate.adam(be, p, g, m, v, AdamConfig.of(1e-2f), step);
                    }
                    GatherRows.gatherRows(be, s, ix, 0, d);
                    Gemm.linearGradients(be, tdy, tx, 0f, dw, db);
                    adam[i] = be.read(p);
                    gathered[i] = be.read(d);
                    float[] w = be.read(dw);
                    float[] b = be.read(db);
                    grads[i] = java.util.Arrays.copyOf(w, w.length + b.length);
                    System.arraycopy(b, 0, grads[i], w.length, b.length);
                }
            }
            ParityAssert.close("adam, " + n + " parameters", adam[0], adam[1], 1e-6, 1e-5);
            ParityAssert.bitwise("gather_rows, " + n + " columns", gathered[0], gathered[1]);
            ParityAssert.close("linearGradients, " + n + " inputs", grads[0], grads[1], 1e-5, 1e-5);
        }
    }
}
