package org.latentcl.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.backend.Backend;
import org.latentcl.backend.TestBackends;
import org.latentcl.data.DataException;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.model.ClassifierNetwork;
import org.latentcl.model.ImageShape;

/**
 * The classifier's training as a user meets it, with known answers: the shift augmentation on a small image, the
 * progress lines (one per epoch, the loss falling, the time left only before the last, the accuracy it reports), the
 * cache's three fallbacks (an unreadable file retrained over, a folder that cannot be written, a forced retrain), the
 * refusal of unlabelled data, accuracy counted by hand, and the first class winning a tie.
 */
class FeatureClassifierTrainingTest {
    @TempDir
    Path dir;

    private static DataSplit shapes() {
        return new DataSplit(FeatureClassifiersTest.shapes("shapes/train", 150, 1), FeatureClassifiersTest.shapes("shapes/test", 30, 2),
                "generated");
    }

    /** Two channels of a 3x3 image (1..9 and 11..19), row 1 of two, moved one pixel right and one up, written at offset 3. */
    @Test
    void aShiftMovesEveryChannelAndFillsWithZeros() {
        float[] v = new float[2 * 18];
        java.util.Arrays.fill(v, 0, 18, 0.5f);
        for (int i = 0; i < 9; i++) {
            v[18 + i] = i + 1;
            v[27 + i] = i + 11;
        }
        Dataset data = new Dataset("tiny", v, 2, 18, new int[] {0, 1}, 2, 3, 3);
        float[] out = new float[3 + 18];
        java.util.Arrays.fill(out, -1f);
        FeatureClassifiers.shifted(data, 1, 1, -1, out, 3);
        float[] want = {
            -1, -1, -1,
            0, 4, 5, 0, 7, 8, 0, 0, 0,
            0, 14, 15, 0, 17, 18, 0, 0, 0};
        assertArrayEquals(want, out);
        FeatureClassifiers.shifted(data, 1, -2, 2, out, 3);
        float[] down = {
            -1, -1, -1,
            0, 0, 0, 0, 0, 0, 3, 0, 0,
            0, 0, 0, 0, 0, 0, 13, 0, 0};
        assertArrayEquals(down, out);
        FeatureClassifiers.shifted(data, 1, 0, 0, out, 3);
        assertArrayEquals(java.util.Arrays.copyOfRange(v, 18, 36), java.util.Arrays.copyOfRange(out, 3, 21));
    }

    @Test
    void timeLeftReadsInMinutesFromSixtySeconds() {
        assertEquals("0 s", FeatureClassifiers.duration(0));
        assertEquals("59 s", FeatureClassifiers.duration(59));
        assertEquals("1 min 0 s", FeatureClassifiers.duration(60));
        assertEquals("2 min 5 s", FeatureClassifiers.duration(125));
    }

    /** Epochs round the steps up: 6,000 / 109 steps is 55.05, so 56 epochs; a row more makes 110 steps and 55. */
    @Test
    void epochsRoundUp() {
        assertEquals(56, FeatureClassifiers.epochs(128 * 109 - 1));
        assertEquals(56, FeatureClassifiers.epochs(128 * 109));
        assertEquals(55, FeatureClassifiers.epochs(128 * 109 + 1));
    }

    @Test
    void progressLinesFollowTheTraining() {
        List<String> log = new ArrayList<>();
        try (FeatureClassifiers.Trained t = FeatureClassifiers.train(TestBackends.java(), shapes(), 4, log::add)) {
            assertEquals(5, log.size(), String.valueOf(log));
            Pattern epoch = Pattern.compile("classifier epoch (\\d)/4: training loss (\\d+\\.\\d{4})(, about \\d+ s left)?");
            double[] loss = new double[4];
            for (int e = 0; e < 4; e++) {
                Matcher m = epoch.matcher(log.get(e));
                assertTrue(m.matches(), log.get(e));
                assertEquals(e + 1, Integer.parseInt(m.group(1)));
                assertEquals(e < 3, m.group(3) != null, "the time left, before the last epoch only: " + log.get(e));
                loss[e] = Double.parseDouble(m.group(2));
            }
            // The mean cross-entropy per image: below log 3 (chance) after the first epoch, and falling.
            assertTrue(loss[0] > 0 && loss[0] < 1.2, "the first epoch's mean loss " + loss[0]);
            assertTrue(loss[3] < loss[0], "the loss falls: " + java.util.Arrays.toString(loss));
            assertEquals(String.format(Locale.ROOT, "classifier for shapes/train: test accuracy %.2f%% after 4 epochs", 100 * t.testAccuracy()),
                    log.get(4));
        }
    }

    @Test
    void theCacheFallsBackToTrainingWhenItsFileIsUnreadable() throws Exception {
        Backend be = TestBackends.java();
        // One test label wrong, so that the accuracy the lines report is below 100%.
        Dataset test = FeatureClassifiersTest.shapes("shapes/test", 30, 2);
        int[] labels = test.labels().clone();
        labels[0] = (labels[0] + 1) % 3;
        DataSplit data = new DataSplit(FeatureClassifiersTest.shapes("shapes/train", 150, 1),
                new Dataset("shapes/test", test.values(), 30, 64, labels, 8, 8), "generated");
        List<String> log = new ArrayList<>();
        try (TempCache cache = TempCache.at(dir)) {
            Path file;
            double accuracy;
            try (FeatureClassifiers.Trained t = FeatureClassifiers.forData(be, data, log::add)) {
                file = t.file();
                accuracy = t.testAccuracy();
            }
            assertTrue(accuracy < 1 && accuracy >= 0.9, "the wrong label costs a row: " + accuracy);
            assertTrue(log.get(0).startsWith("no classifier for shapes/train is cached yet: training one first (60 epochs on 150 images"), log.get(0));
            log.clear();
            try (FeatureClassifiers.Trained t = FeatureClassifiers.forData(be, data, log::add)) {
                assertTrue(t.fromCache());
                assertEquals(List.of(String.format(Locale.ROOT, "classifier for shapes/train from %s (test accuracy %.2f%%)", file, 100 * accuracy)), log);
            }
            log.clear();
            Files.write(file, new byte[] {1, 2, 3});
            try (FeatureClassifiers.Trained t = FeatureClassifiers.forData(be, data, log::add)) {
                assertFalse(t.fromCache());
                assertTrue(log.get(0).startsWith("the cached classifier " + file + " is unreadable ("), log.get(0));
                assertEquals(accuracy, t.testAccuracy(), "the same seed trains the same classifier");
            }
            try (FeatureClassifiers.Trained t = FeatureClassifiers.forData(be, data, line -> { })) {
                assertTrue(t.fromCache(), "the retrained classifier replaced the unreadable file");
            }
            try (FeatureClassifiers.Trained t = FeatureClassifiers.retrain(be, data, line -> { })) {
                assertFalse(t.fromCache(), "retrain trains even with a readable file cached");
                assertEquals(file, t.file());
            }
        }
    }

    @Test
    void aCacheThatCannotBeWrittenLeavesTheClassifierForThisRunOnly() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");
        List<String> log = new ArrayList<>();
        try (TempCache cache = TempCache.at(notAFolder.resolve("cache"));
             FeatureClassifiers.Trained t = FeatureClassifiers.forData(TestBackends.java(), shapes(), log::add)) {
            assertNull(t.file());
            assertFalse(t.fromCache());
            assertTrue(t.testAccuracy() >= 0.9, String.valueOf(t.testAccuracy()));
            assertTrue(log.get(log.size() - 1).startsWith("could not cache the classifier in " + notAFolder.resolve("cache")), String.valueOf(log));
        }
    }

    @Test
    void unlabelledOrFlatDataIsRefused() {
        Dataset unlabelled = new Dataset("grey", new float[12], 3, 4, null, 2, 2);
        DataException e = assertThrows(DataException.class,
                () -> FeatureClassifiers.train(TestBackends.java(), new DataSplit(unlabelled, unlabelled, "given"), 1, line -> { }));
        assertEquals("grey has no labels; the classifier-based metrics need labelled images", e.getMessage());
        Dataset flat = new Dataset("rows", new float[12], 3, 4, new int[] {0, 1, 0}, 0, 0);
        e = assertThrows(DataException.class,
                () -> FeatureClassifiers.forData(TestBackends.java(), new DataSplit(flat, flat, "given"), line -> { }));
        assertEquals("rows has no image shape; the classifier-based metrics need labelled images", e.getMessage());
    }

    /** Accuracy is the share of rows whose argmax is their label, counted here by hand; a network of zeros ties every class and picks the first. */
    @Test
    void accuracyByHandAndTiesGoToTheFirstClass() {
        DataSplit data = shapes();
        Dataset test = data.test();
        try (FeatureClassifiers.Trained t = FeatureClassifiers.train(TestBackends.java(), data, 2, line -> { })) {
            FeatureClassifiers.Extracted e = FeatureClassifiers.extract(t.network(), test.values(), test.rows());
            int right = 0;
            for (int i = 0; i < test.rows(); i++) {
                int best = 0;
                for (int c = 1; c < 3; c++) {
                    best = e.probabilities()[i * 3 + c] > e.probabilities()[i * 3 + best] ? c : best;
                }
                assertEquals(best, e.predicted()[i], "row " + i);
                right += best == test.labels()[i] ? 1 : 0;
            }
            assertEquals(right / (double) test.rows(), FeatureClassifiers.accuracy(t.network(), test), 0);
        }
        try (ClassifierNetwork zeros = new ClassifierNetwork(TestBackends.java(), new ImageShape(1, 8, 8), 3, 16)) {
            Map<String, float[]> none = new HashMap<>();
            zeros.parameters().specs().forEach((name, spec) -> none.put(name, new float[spec.size()]));
            zeros.parameters().load(none);
            FeatureClassifiers.Extracted e = FeatureClassifiers.extract(zeros, test.values(), 5);
            for (int i = 0; i < 5; i++) {
                assertEquals(1 / 3f, e.probabilities()[i * 3 + 2], 1e-7f);
                assertEquals(0, e.predicted()[i], "every class ties: the first is taken");
            }
        }
    }
}
