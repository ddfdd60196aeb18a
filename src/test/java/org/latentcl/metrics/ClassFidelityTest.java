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

    /**
     * Each class's FID is the FID of the features of the samples asked for it against its real rows' (here computed from
     * the extracted features by hand); two samples of a class are enough, one is NaN. And the floor is, by its
     * definition, the even test rows measured against the odd ones.
     */
    @Test
    void perClassFidAndTheFloorByTheirDefinitions() {
        DataSplit data = new DataSplit(FeatureClassifiersTest.shapes("shapes/train", 150, 1), FeatureClassifiersTest.shapes("shapes/test", 30, 2),
                "generated");
        Dataset test = data.test();
        int d = org.latentcl.model.ClassifierNetwork.FEATURES;
        try (FeatureClassifiers.Trained t = FeatureClassifiers.train(TestBackends.java(), data, 5, line -> { })) {
            // Samples: every class-0 test row, last first; then two rows of class 1 (rows 1 and 4) and one of class 2.
            java.util.List<Integer> rows = new java.util.ArrayList<>();
            for (int i = test.rows() - 1; i >= 0; i--) {
                if (test.labels()[i] == 0) {
                    rows.add(i);
                }
            }
            int zeros = rows.size();
            rows.addAll(java.util.List.of(1, 4, 2));
            int[] picked = rows.stream().mapToInt(Integer::intValue).toArray();
            int[] asked = new int[picked.length];
            for (int i = 0; i < picked.length; i++) {
                asked[i] = test.labels()[picked[i]];
            }
            Dataset samples = test.select("samples", picked);
            ClassFidelity f = ClassFidelity.of(t.network(), samples.values(), asked, picked.length, test);
            float[] sampleFeatures = FeatureClassifiers.extract(t.network(), samples.values(), picked.length).features();
            float[] realFeatures = FeatureClassifiers.extract(t.network(), test.values(), test.rows()).features();
            int realOnes = 10;
            float[] realClass1 = new float[realOnes * d];
            for (int i = 0, j = 0; i < test.rows(); i++) {
                if (test.labels()[i] == 1) {
                    System.arraycopy(realFeatures, i * d, realClass1, j++ * d, d);
                }
            }
            float[] twoOnes = java.util.Arrays.copyOfRange(sampleFeatures, zeros * d, (zeros + 2) * d);
            assertEquals(SampleMetrics.fid(twoOnes, 2, realClass1, realOnes, d), f.fidPerClass()[1], 1e-9);
            assertEquals(0, f.fidPerClass()[0], 1e-6, "class 0's samples are its real rows, in another order");
            assertTrue(Double.isNaN(f.fidPerClass()[2]), "one sample of class 2");
            // The real side: a test set holding two rows of class 1 and one of class 2 scores class 1 and not class 2.
            int[] fewReal = rows.stream().mapToInt(Integer::intValue).filter(i -> test.labels()[i] == 0).toArray();
            fewReal = java.util.stream.IntStream.concat(java.util.Arrays.stream(fewReal), java.util.stream.IntStream.of(1, 4, 2)).toArray();
            ClassFidelity few = ClassFidelity.of(t.network(), samples.values(), asked, picked.length, test.select("few", fewReal));
            assertEquals(0, few.fidPerClass()[1], 1e-6, "class 1's two samples are its two real rows");
            assertTrue(Double.isNaN(few.fidPerClass()[2]), "one real row of class 2");

            QualityReport floor = QualityReport.floor(t.network(), test, 3);
            int[] even = new int[test.rows() / 2];
            int[] odd = new int[test.rows() / 2];
            for (int i = 0; i < even.length; i++) {
                even[i] = 2 * i;
                odd[i] = 2 * i + 1;
            }
            QualityReport byHand = QualityReport.of(t.network(), test.select("even", even).values(), even.length, test.select("odd", odd), 3);
            assertEquals(byHand.fid(), floor.fid(), 0);
            assertEquals(byHand.kid(), floor.kid());
            assertEquals(byHand.classifierScore(), floor.classifierScore());
            assertEquals(byHand.precisionRecall(), floor.precisionRecall());
            assertEquals(byHand.coverage().covered(), floor.coverage().covered());
            assertEquals(byHand.coverage().classes(), floor.coverage().classes());
            org.junit.jupiter.api.Assertions.assertArrayEquals(byHand.coverage().generatedShares(), floor.coverage().generatedShares());
            assertTrue(floor.fid() > 0, "two halves of the test data differ: " + floor.fid());
        }
    }
}
