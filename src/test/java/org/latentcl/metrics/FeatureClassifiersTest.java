package org.latentcl.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.backend.Backend;
import org.latentcl.backend.FiniteDifference;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.model.ClassifierNetwork;
import org.latentcl.model.ImageShape;

/** The feature classifier: its gradients, its training on shapes it can tell apart, its cache, and the report it feeds. */
public class FeatureClassifiersTest {
    @TempDir
    Path dir;

    /** n grey 8x8 images of three classes: a horizontal bar, a vertical bar, a diagonal, at random places, with noise. */
    public static Dataset shapes(String name, int n, long seed) {
        Random rnd = new Random(seed);
        int side = 8;
        float[] v = new float[n * side * side];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            labels[i] = c;
            int at = 1 + rnd.nextInt(side - 2);
            for (int t = 0; t < side; t++) {
                int y = c == 0 ? at : t;
                int x = c == 1 ? at : t;
                v[i * 64 + y * side + x] = 1f;
            }
            for (int p = 0; p < 64; p++) {
                v[i * 64 + p] = Math.min(1f, v[i * 64 + p] + 0.2f * rnd.nextFloat());
            }
        }
        return new Dataset(name, v, n, 64, labels, side, side);
    }

    private DataSplit split() {
        return new DataSplit(shapes("shapes/train", 150, 1), shapes("shapes/test", 30, 2), "generated");
    }

    /** The cross-entropy gradients of every parameter against central finite differences (Java backend, double sums). */
    @Test
    void gradientsMatchFiniteDifferences() {
        Backend be = TestBackends.java();
        Dataset d = shapes("fd", 4, 3);
        try (ClassifierNetwork net = new ClassifierNetwork(be, new ImageShape(1, 8, 8), 3, 4); Tensor x = be.upload(d.values(), 4, 64);
             Tensor y = be.upload(new float[] {0, 1, 2, 0}, 4, 1); Tensor stats = be.zeros(1, 1)) {
            net.initialize(5);
            net.gradients(x, y, stats, 0);
            float[] grads = be.read(net.parameters().grads());
            Map<String, float[]> base = net.parameters().toHost();
            // Steps of 5e-3: the per-row losses are float sums, whose rounding a smaller step would magnify.
            double h = 5e-3;
            int offset = 0;
            int checked = 0;
            int kinks = 0;
            for (var e : base.entrySet()) {
                float[] v = e.getValue();
                for (int i = 0; i < v.length; i += 7) {
                    float old = v[i];
                    v[i] = (float) (old + h);
                    double plus = loss(net, base, x, y);
                    v[i] = (float) (old - h);
                    double minus = loss(net, base, x, y);
                    v[i] = old;
                    double at = loss(net, base, x, y);
                    double tolerance = 1e-4 + 2e-2 * Math.abs(grads[offset + i]);
                    double fd = FiniteDifference.central(minus, at, plus, h, tolerance);
                    if (Double.isNaN(fd)) {
                        kinks++;
                        continue;
                    }
                    assertEquals(fd, grads[offset + i], tolerance, e.getKey() + "[" + i + "]");
                    checked++;
                }
                offset += v.length;
            }
            assertTrue(checked > 50 && kinks < checked / 4, checked + " checked, " + kinks + " at ReLU kinks");
        }
    }

    /** The mean loss with the parameters set to {@code values}. */
    private static double loss(ClassifierNetwork net, Map<String, float[]> values, Tensor x, Tensor y) {
        Backend be = net.backend();
        net.parameters().load(values);
        try (Tensor stats = be.zeros(1, 1)) {
            net.gradients(x, y, stats, 0);
            return be.read(stats)[0] / x.rows();
        }
    }

    /** Trained once, then read back from the cache: the same accuracy and the same features, bit for bit. */
    @Test
    void learnsShapesAndIsCachedByItsData() {
        try (TempCache cache = TempCache.at(dir)) {
            Backend be = TestBackends.java();
            DataSplit data = split();
            List<String> log = new ArrayList<>();
            float[] first;
            double accuracy;
            try (FeatureClassifiers.Trained t = FeatureClassifiers.forData(be, data, log::add)) {
                assertFalse(t.fromCache());
                accuracy = t.testAccuracy();
                assertTrue(accuracy >= 0.9, "test accuracy " + accuracy + "; " + log);
                assertTrue(Files.isRegularFile(t.file()) && t.file().startsWith(dir.resolve("classifiers")), String.valueOf(t.file()));
                assertEquals(accuracy, FeatureClassifiers.accuracy(t.network(), data.test()), 1e-12);
                first = FeatureClassifiers.extract(t.network(), data.test().values(), 30).features();
            }
            try (FeatureClassifiers.Trained t = FeatureClassifiers.forData(be, data, log::add)) {
                assertTrue(t.fromCache(), String.valueOf(log));
                assertEquals(accuracy, t.testAccuracy());
                assertArrayEquals(first, FeatureClassifiers.extract(t.network(), data.test().values(), 30).features());
            }
            // Other data, another classifier.
            DataSplit other = new DataSplit(shapes("shapes/train", 150, 9), shapes("shapes/test", 30, 2), "generated");
            try (FeatureClassifiers.Trained t = FeatureClassifiers.forData(be, other, log::add)) {
                assertFalse(t.fromCache());
            }
        }
    }

    /**
     * The report on real test images scores them as the floor does (FID near 0 against themselves),
     * and images of one class only cover one class and score far worse.
     */
    @Test
    void theReportTellsRealDataFromACollapsedSet() {
        Backend be = TestBackends.java();
        DataSplit data = split();
        try (FeatureClassifiers.Trained t = FeatureClassifiers.train(be, data, 30, line -> { })) {
            Dataset test = data.test();
            QualityReport self = QualityReport.of(t.network(), test.values(), test.rows(), test, 1);
            assertEquals(0, self.fid(), 1e-6);
            assertEquals(1.0, self.precisionRecall().precision());
            assertEquals(1.0, self.precisionRecall().recall());
            assertEquals(3, self.coverage().covered());
            // A set against itself scores so whatever the features are; a fresh draw of the same shapes must score
            // near it too, which only features that see the shapes (not the noise) give.
            QualityReport fresh = QualityReport.of(t.network(), shapes("fresh", 30, 7).values(), 30, test, 1);
            assertEquals(3, fresh.coverage().covered());
            assertTrue(fresh.precisionRecall().precision() >= 0.7 && fresh.precisionRecall().recall() >= 0.7, String.valueOf(fresh.precisionRecall()));
            // Only horizontal bars.
            Dataset bars = shapes("bars", 30, 4);
            float[] one = new float[10 * 64];
            for (int i = 0; i < 10; i++) {
                System.arraycopy(bars.values(), 3 * i * 64, one, i * 64, 64);
            }
            QualityReport collapsed = QualityReport.of(t.network(), one, 10, test, 1);
            assertTrue(collapsed.coverage().covered() < self.coverage().covered(), String.valueOf(collapsed.coverage()));
            assertTrue(collapsed.fid() > 10 * Math.max(self.fid(), 1e-3), collapsed.fid() + " vs " + self.fid());
            assertTrue(collapsed.fid() > 5 * fresh.fid(), collapsed.fid() + " vs a fresh real set's " + fresh.fid());
            assertTrue(collapsed.precisionRecall().recall() < 0.5, String.valueOf(collapsed.precisionRecall()));
            QualityReport floor = QualityReport.floor(t.network(), test, 1);
            assertTrue(floor.fid() < collapsed.fid(), floor.fid() + " vs " + collapsed.fid());
        }
    }
}
