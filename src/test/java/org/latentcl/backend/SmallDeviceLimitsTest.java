package org.latentcl.backend;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Devices with small limits: the OpenCL backend forced to tiny work-groups (reductions of 1, 2
 * or 4 work-items, GEMM with one-row tiles and 1x1 groups) must compute what the Java reference does.
 */
class SmallDeviceLimitsTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void tinyWorkGroupsGiveTheSameResults(int maxWorkGroup) {
        ClBackend small = new ClBackend(TestBackends.cl().device(), new ClBackend.GemmConfig(1, new long[] {1, 1}), maxWorkGroup);
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
                    be.gemm(false, true, 1f, ta, tb, 0f, tc, null, Activation.TANH);
                    be.bceWithLogits(tc, null, 1f, 1f, null, out, 0, false);
                    be.sum(ta, out, 1, false);
                    c[i] = be.read(tc);
                    loss[i] = be.read(out);
                }
            }
            ParityAssert.close("gemm, work-group " + maxWorkGroup, c[0], c[1], 1e-5, 1e-5);
            ParityAssert.close("reductions, work-group " + maxWorkGroup, loss[0], loss[1], 1e-3, 1e-5);
        }
    }
}
