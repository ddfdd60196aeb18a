package org.latentcl.backend.ops;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * Every backward operation on both backends against central finite differences of the forward
 * function written independently here in double precision: (f(x + h) - f(x - h)) / 2h with
 * h = 1e-3, whose truncation error (h^2 / 6) f''' is far below the tolerance. The backend
 * computes in float, so agreement is asked to 1e-3 relative plus 1e-5 absolute.
 */
class GradientCheckTest {
    private static final double H = 1e-3;

    private static void near(String what, double fd, float got) {
        double tol = 1e-5 + 1e-3 * Math.abs(fd);
        if (!(Math.abs(fd - got) <= tol)) {
            throw new AssertionError(what + ": backend gradient " + got + ", finite difference " + fd);
        }
    }

    private static double fd(DoubleUnaryOperator f, double x) {
        return (f.applyAsDouble(x + H) - f.applyAsDouble(x - H)) / (2 * H);
    }

    private static double f64(Activation a, double x) {
        return switch (a.kind()) {
            case IDENTITY -> x;
            case RELU -> Math.max(x, 0);
            case LEAKY_RELU -> x > 0 ? x : a.slope() * x;
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case TANH -> Math.tanh(x);
        };
    }

    /** Values in [-3, 3] kept at least 0.05 from 0, so no finite difference straddles a ReLU kink. */
    private static float[] awayFromZero(Random rnd, int n) {
        float[] x = TestBackends.uniform(rnd, n, -3, 3);
        for (int i = 0; i < n; i++) {
            if (Math.abs(x[i]) < 0.05f) {
                x[i] += x[i] < 0 ? -0.05f : 0.05f;
            }
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void activationBackwardMatchesFiniteDifferences(String name) {
        Backend be = TestBackends.named(name);
        Random rnd = new Random(1);
        for (int n : new int[] {1, 7, 33, 129}) {
            for (Activation a : new Activation[] {Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.2f),
                Activation.SIGMOID, Activation.TANH}) {
                float[] x = awayFromZero(rnd, n);
                float[] w = TestBackends.uniform(rnd, n, -1, 1);
                try (Tensor tx = be.upload(x, 1, n); Tensor y = be.zeros(1, n); Tensor dy = be.upload(w, 1, n);
                     Tensor dx = be.zeros(1, n)) {
                    Activations.activate(be, a, tx, y);
                    Activations.activateBackward(be, a, y, dy, dx);
                    float[] got = be.read(dx);
                    for (int i = 0; i < n; i++) {
                        double wi = w[i];
                        near(name + " " + a + " d/dx[" + i + "]", fd(v -> wi * f64(a, v), x[i]), got[i]);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void reparameterizationBackwardMatchesFiniteDifferences(String name) {
        Backend be = TestBackends.named(name);
        Random rnd = new Random(2);
        int n = 33;
        float[] mu = TestBackends.uniform(rnd, n, -2, 2);
        float[] lv = TestBackends.uniform(rnd, n, -3, 2);
        float[] eps = TestBackends.uniform(rnd, n, -2, 2);
        float[] w = TestBackends.uniform(rnd, n, -1, 1);
        try (Tensor tmu = be.upload(mu, 1, n); Tensor tlv = be.upload(lv, 1, n); Tensor te = be.upload(eps, 1, n);
             Tensor dz = be.upload(w, 1, n); Tensor dmu = be.zeros(1, n); Tensor dlv = be.zeros(1, n)) {
            Reparameterize.reparameterizeBackward(be, tlv, te, dz, dmu, dlv);
            float[] gm = be.read(dmu);
            float[] gl = be.read(dlv);
            for (int i = 0; i < n; i++) {
                double wi = w[i];
                double ei = eps[i];
                double li = lv[i];
                double mi = mu[i];
                near(name + " dz/dmu", fd(m -> wi * (m + Math.exp(li / 2) * ei), mi), gm[i]);
                near(name + " dz/dlogvar", fd(l -> wi * (mi + Math.exp(l / 2) * ei), li), gl[i]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void lossGradientsMatchFiniteDifferences(String name) {
        Backend be = TestBackends.named(name);
        Random rnd = new Random(3);
        int n = 129;
        float scale = 1f / 7;
        float sigma = 0.7f;
        float[] a = TestBackends.uniform(rnd, n, -6, 6);
        float[] b = TestBackends.uniform(rnd, n, 0, 1);
        float[] lv = TestBackends.uniform(rnd, n, -3, 2);
        try (Tensor ta = be.upload(a, 1, n); Tensor tb = be.upload(b, 1, n); Tensor tlv = be.upload(lv, 1, n);
             Tensor g = be.zeros(1, n); Tensor g2 = be.zeros(1, n); Tensor out = be.zeros(1, 1)) {
            BceWithLogits.bceWithLogits(be, ta, tb, 0f, scale, g, out, 0, false);
            float[] bce = be.read(g);
            for (int i = 0; i < n; i++) {
                double t = b[i];
                near(name + " bce d/dlogit", fd(x -> scale * (Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)))), a[i]), bce[i]);
            }
            GaussianNll.gaussianNll(be, ta, tb, sigma, scale, g, out, 0, false);
            float[] gauss = be.read(g);
            for (int i = 0; i < n; i++) {
                double t = b[i];
                near(name + " gaussian d/dmean", fd(m -> scale * (0.5 * Math.pow((m - t) / sigma, 2) + Math.log(sigma)), a[i]), gauss[i]);
            }
            KlStandardNormal.klStandardNormal(be, ta, tlv, scale, g, g2, out, 0, false);
            float[] dmu = be.read(g);
            float[] dlv = be.read(g2);
            for (int i = 0; i < n; i++) {
                double m0 = a[i];
                double l0 = lv[i];
                near(name + " kl d/dmu", fd(m -> scale * -0.5 * (1 + l0 - m * m - Math.exp(l0)), m0), dmu[i]);
                near(name + " kl d/dlogvar", fd(l -> scale * -0.5 * (1 + l - m0 * m0 - Math.exp(l)), l0), dlv[i]);
            }
        }
    }

    /**
     * A linear layer Y = act(X W^T + b) with loss L = sum(G * Y): its backward through the backend's
     * operations (activateBackward, GEMM NN for dX, GEMM TN for dW, columnSums for db) against
     * finite differences of L in double.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void linearLayerBackwardMatchesFiniteDifferences(String name) {
        Backend be = TestBackends.named(name);
        Random rnd = new Random(4);
        int batch = 7;
        int in = 33;
        int out = 9;
        for (Activation act : new Activation[] {Activation.leakyRelu(0.2f), Activation.SIGMOID, Activation.TANH}) {
            float[] x = TestBackends.uniform(rnd, batch * in, -1, 1);
            float[] w = TestBackends.uniform(rnd, out * in, -0.5f, 0.5f);
            float[] bias = TestBackends.uniform(rnd, out, -0.5f, 0.5f);
            float[] gy = TestBackends.uniform(rnd, batch * out, -1, 1);
            float[] dx;
            float[] dw;
            float[] db;
            try (Tensor tx = be.upload(x, batch, in); Tensor tw = be.upload(w, out, in); Tensor tb = be.upload(bias, 1, out);
                 Tensor y = be.zeros(batch, out); Tensor g = be.upload(gy, batch, out); Tensor tdx = be.zeros(batch, in);
                 Tensor tdw = be.zeros(out, in); Tensor tdb = be.zeros(1, out)) {
                Gemm.gemm(be, false, true, 1f, tx, tw, 0f, y, tb, act);
                Activations.activateBackward(be, act, y, g, g);
                Gemm.gemm(be, false, false, 1f, g, tw, 0f, tdx, null, Activation.IDENTITY);
                Gemm.gemm(be, true, false, 1f, g, tx, 0f, tdw, null, Activation.IDENTITY);
                ColumnSums.columnSums(be, g, 0f, tdb);
                dx = be.read(tdx);
                dw = be.read(tdw);
                db = be.read(tdb);
            }
            double[] xd = toDouble(x);
            double[] wd = toDouble(w);
            double[] bd = toDouble(bias);
            for (int i = 0; i < x.length; i += 5) {
                int idx = i;
                near(name + " " + act + " dX[" + i + "]", fd(v -> perturbed(xd, idx, v, () -> loss(xd, wd, bd, gy, batch, in, out, act)), xd[i]), dx[i]);
            }
            for (int i = 0; i < w.length; i += 5) {
                int idx = i;
                near(name + " " + act + " dW[" + i + "]", fd(v -> perturbed(wd, idx, v, () -> loss(xd, wd, bd, gy, batch, in, out, act)), wd[i]), dw[i]);
            }
            for (int i = 0; i < out; i++) {
                int idx = i;
                near(name + " " + act + " db[" + i + "]", fd(v -> perturbed(bd, idx, v, () -> loss(xd, wd, bd, gy, batch, in, out, act)), bd[i]), db[i]);
            }
        }
    }

    /**
     * Two layers, Y1 = f1(X W1^T + b1) and Y2 = f2(Y1 W2^T + b2), L = sum(G * Y2), backward through
     * the fused operations training uses: each layer's weight and bias gradients in one
     * {@code linearGradients}, and the hidden gradient carried through f1' inside the GEMM
     * ({@code gemmGated}, gated by the forward output Y1), against finite differences of L in double.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void fusedGradientsAndTheGatedGemmMatchFiniteDifferences(String name) {
        Backend be = TestBackends.named(name);
        Random rnd = new Random(5);
        int batch = 7;
        int in = 33;
        int hid = 9;
        int out = 4;
        for (Activation f1 : new Activation[] {Activation.TANH, Activation.leakyRelu(0.2f), Activation.SIGMOID}) {
            Activation f2 = Activation.SIGMOID;
            float[] x = TestBackends.uniform(rnd, batch * in, -1, 1);
            float[] w1 = TestBackends.uniform(rnd, hid * in, -0.5f, 0.5f);
            float[] b1 = TestBackends.uniform(rnd, hid, -0.5f, 0.5f);
            float[] w2 = TestBackends.uniform(rnd, out * hid, -0.5f, 0.5f);
            float[] b2 = TestBackends.uniform(rnd, out, -0.5f, 0.5f);
            float[] gy = TestBackends.uniform(rnd, batch * out, -1, 1);
            float[] dw1;
            float[] db1;
            float[] dw2;
            float[] db2;
            try (Tensor tx = be.upload(x, batch, in); Tensor tw1 = be.upload(w1, hid, in); Tensor tb1 = be.upload(b1, 1, hid);
                 Tensor tw2 = be.upload(w2, out, hid); Tensor tb2 = be.upload(b2, 1, out); Tensor y1 = be.zeros(batch, hid);
                 Tensor y2 = be.zeros(batch, out); Tensor g = be.upload(gy, batch, out); Tensor g1 = be.zeros(batch, hid);
                 Tensor tdw1 = be.zeros(hid, in); Tensor tdb1 = be.zeros(1, hid); Tensor tdw2 = be.zeros(out, hid);
                 Tensor tdb2 = be.zeros(1, out)) {
                Gemm.gemm(be, false, true, 1f, tx, tw1, 0f, y1, tb1, f1);
                Gemm.gemm(be, false, true, 1f, y1, tw2, 0f, y2, tb2, f2);
                Activations.activateBackward(be, f2, y2, g, g);
                Gemm.linearGradients(be, g, y1, 0f, tdw2, tdb2);
                Gemm.gemmGated(be, false, false, 1f, g, tw2, 0f, g1, f1, y1);
                Gemm.linearGradients(be, g1, tx, 0f, tdw1, tdb1);
                dw1 = be.read(tdw1);
                db1 = be.read(tdb1);
                dw2 = be.read(tdw2);
                db2 = be.read(tdb2);
            }
            double[][] p = {toDouble(w1), toDouble(b1), toDouble(w2), toDouble(b2)};
            double[] xd = toDouble(x);
            float[][] got = {dw1, db1, dw2, db2};
            String[] names = {"dW1", "db1", "dW2", "db2"};
            for (int t = 0; t < 4; t++) {
                double[] arr = p[t];
                for (int i = 0; i < arr.length; i += t % 2 == 0 ? 3 : 1) {
                    int idx = i;
                    double fd = fd(v -> perturbed(arr, idx, v, () -> loss2(xd, p, gy, batch, in, hid, out, f1, f2)), arr[i]);
                    near(name + " " + f1 + " " + names[t] + "[" + i + "]", fd, got[t][i]);
                }
            }
        }
    }

    /** L = sum(G * f2(f1(X W1^T + b1) W2^T + b2)) in double; p holds W1, b1, W2, b2. */
    private static double loss2(double[] x, double[][] p, float[] g, int batch, int in, int hid, int out, Activation f1, Activation f2) {
        double total = 0;
        double[] h = new double[hid];
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < hid; j++) {
                double s = p[1][j];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * p[0][j * in + i];
                }
                h[j] = f64(f1, s);
            }
            for (int o = 0; o < out; o++) {
                double s = p[3][o];
                for (int j = 0; j < hid; j++) {
                    s += h[j] * p[2][o * hid + j];
                }
                total += g[r * out + o] * f64(f2, s);
            }
        }
        return total;
    }

    private static double perturbed(double[] arr, int i, double value, java.util.function.DoubleSupplier f) {
        double old = arr[i];
        arr[i] = value;
        double r = f.getAsDouble();
        arr[i] = old;
        return r;
    }

    private static double loss(double[] x, double[] w, double[] b, float[] g, int batch, int in, int out, Activation act) {
        double total = 0;
        for (int r = 0; r < batch; r++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[o * in + i];
                }
                total += g[r * out + o] * f64(act, s);
            }
        }
        return total;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
