package org.latentcl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.latentcl.backend.TestBackends;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;

/**
 * Class fidelity on samples whose answer is known: the real test rows asked for their own classes score the
 * classifier's real accuracy, per class too, with each class's FID 0; asked for the wrong classes they score what
 * the classifier gets wrong; a class never asked for is NaN.
 */
class ClassFidelityTest {
    @Test
    void realRowsAskedForTheirOwnClassesScoreTheRealAccuracy() {
        DataSplit data = new DataSplit(FeatureClassifiersTest.shapes("shapes/train", 150, 1), FeatureClassifiersTest.shapes("shapes/test", 30, 2),
                "generated");
        Dataset test = data.test();
        try (FeatureClassifiers.Trained t = FeatureClassifiers.train(TestBackends.java(), data, 30, line -> { })) {
            int[] predicted = FeatureClassifiers.extract(t.network(), test.values(), test.rows()).predicted();
            int[] right = new int[3];
            int[] count = new int[3];
            int correct = 0;
            for (int i = 0; i < test.rows(); i++) {
                count[test.labels()[i]]++;
                if (predicted[i] == test.labels()[i]) {
                    right[test.labels()[i]]++;
                    correct++;
                }
            }
            ClassFidelity own = ClassFidelity.of(t.network(), test.values(), test.labels(), test.rows(), test);
            assertEquals(correct / (double) test.rows(), own.realAccuracy(), 1e-12);
            assertEquals(own.realAccuracy(), own.accuracy(), 1e-12);
            assertEquals(1.0, own.relative(), 1e-12);
            for (int k = 0; k < 3; k++) {
                assertEquals(right[k] / (double) count[k], own.perClass()[k], 1e-12, "class " + k);
                assertEquals(0, own.fidPerClass()[k], 1e-6, "class " + k + "'s samples are its real rows");
            }
            // Each row asked for the next class: the classifier (accurate here) almost never agrees.
            int[] wrong = new int[test.rows()];
            for (int i = 0; i < wrong.length; i++) {
                wrong[i] = (test.labels()[i] + 1) % 3;
            }
            ClassFidelity off = ClassFidelity.of(t.network(), test.values(), wrong, test.rows(), test);
            assertTrue(own.realAccuracy() >= 0.9, "the classifier learned the shapes: " + own.realAccuracy());
            assertTrue(off.accuracy() <= 1 - own.realAccuracy() + 1e-12, "asked wrongly: " + off.accuracy());
            assertTrue(off.fidPerClass()[0] > 10 * Math.max(own.fidPerClass()[0], 1e-3), "another class's rows are far: " + off.fidPerClass()[0]);
            // Only classes 0 and 1 asked for: class 2 has no samples.
            int n = 0;
            for (int label : test.labels()) {
                n += label < 2 ? 1 : 0;
            }
            float[] some = new float[n * test.cols()];
            int[] asked = new int[n];
            int j = 0;
            for (int i = 0; i < test.rows(); i++) {
                if (test.labels()[i] < 2) {
                    System.arraycopy(test.values(), i * test.cols(), some, j * test.cols(), test.cols());
                    asked[j++] = test.labels()[i];
                }
            }
            ClassFidelity two = ClassFidelity.of(t.network(), some, asked, n, test);
            assertTrue(Double.isNaN(two.perClass()[2]) && Double.isNaN(two.fidPerClass()[2]), "no samples of class 2");
            assertEquals(own.perClass()[0], two.perClass()[0], 1e-12);
        }
    }
}
