package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.io.Json;

/**
 * The classifier-based metrics as a user meets them: train classifier, eval's metrics and their
 * floor for a GAN and a VAE, train gan --eval-every, and the refusals. The classifier cache lives in
 * a temporary folder.
 */
class MetricsCommandTest {
    private static final String[] METRICS = {"classifier_accuracy", "fid", "kid", "kid_std", "classifier_score", "classifier_score_std",
        "precision", "recall", "classes_covered", "floor_fid", "floor_kid", "floor_classifier_score", "floor_precision", "floor_recall",
        "floor_classes_covered"};

    @TempDir
    Path dir;

    private org.latentcl.metrics.TempCache cache;

    @BeforeEach
    void privateCache() {
        cache = org.latentcl.metrics.TempCache.at(dir.resolve("cache"));
    }

    @AfterEach
    void restoreCache() {
        cache.close();
    }

    @Test
    void trainClassifierThenEvalReportsEveryMetricWithItsFloor() throws IOException {
        Path data = ConvModelsCommandTest.pictures(dir, 100);
        Cli.Run r = Cli.run("train", "classifier", "--data", data.toString(), "--image-size", "16", "--device", "java");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test accuracy ") && r.out().contains("cached in " + dir.resolve("cache")), r.out());

        Path gan = dir.resolve("gan");
        r = Cli.run("train", "gan", "--data", data.toString(), "--image-size", "16", "--arch", "dcgan", "--ngf", "4", "--ndf", "4",
                "--epochs", "2", "--batch", "30", "--eval-every", "1", "--device", "java", "--out", gan.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epoch 1/2") && r.out().contains("  FID "), r.out());
        List<String> lines = Files.readAllLines(gan.resolve("metrics.jsonl"));
        for (String line : lines) {
            assertTrue(((Map<?, ?>) Json.parse(line)).get("fid") instanceof Double, line);
        }
        assertTrue(Files.size(gan.resolve("fid.png")) > 0);

        r = Cli.run("eval", "--json", "--checkpoint", gan.resolve("checkpoint.safetensors").toString(), "--n", "40", "--device", "java");
        assertEquals(0, r.code(), r.err());
        Map<?, ?> json = (Map<?, ?>) Json.parse(r.out().strip());
        for (String key : METRICS) {
            assertTrue(json.get(key) instanceof Number, key + " in " + r.out());
        }
        // One count of covered classes: the classifier's; the nearest neighbours' histogram beside it without its own count.
        Map<?, ?> nearest = (Map<?, ?>) json.get("nearest_neighbour_classes");
        assertTrue(nearest.containsKey("histogram") && !nearest.containsKey("covered") && !json.containsKey("class_coverage"), r.out());
        // Real data against real data is the floor: two halves of the test split agree better than an untrained GAN's samples.
        assertTrue((Double) json.get("floor_fid") < (Double) json.get("fid"), r.out());
        // A held-out 10% of 100 pictures is far below the 2,000 test examples a stable FID needs: said on stderr, once.
        String few = "warning: FID and KID against " + ((Number) json.get("test_examples")).intValue() + " test examples are biased upward and noisy";
        assertEquals(1, r.err().lines().filter(l -> l.startsWith(few)).count(), r.err());

        Path vae = dir.resolve("vae");
        r = Cli.run("train", "vae", "--data", data.toString(), "--image-size", "16", "--arch", "conv", "--epochs", "1", "--batch", "30", "--device", "java",
                "--out", vae.toString());
        assertEquals(0, r.code(), r.err());
        // The table shows each measure beside the real data's own value.
        Cli.Run table = Cli.run("eval", "--checkpoint", gan.resolve("checkpoint.safetensors").toString(), "--n", "40", "--device", "java");
        assertEquals(0, table.code(), table.err());
        String fidRow = table.out().lines().filter(l -> l.startsWith("FID ")).findFirst().orElseThrow();
        assertTrue(fidRow.matches("FID +[0-9.]+ +[0-9.]+ +distance of the classifier's features.*lower is better"), fidRow);
        // The samples' KID varies over subsets of their 40; the real data's halves of 5 fit one subset, so theirs has no spread.
        assertTrue(table.out().lines().anyMatch(l -> l.matches("KID +-?[0-9.]+ ± [0-9.]+ +-?[0-9.]+ +kernel distance.*")), table.out());
        assertTrue(table.out().contains("The sample measures use 40 samples"), table.out());
        r = Cli.run("eval", "--json", "--checkpoint", vae.resolve("checkpoint.safetensors").toString(), "--n", "40", "--device", "java");
        assertEquals(0, r.code(), r.err());
        json = (Map<?, ?>) Json.parse(r.out().strip());
        for (String key : METRICS) {
            assertTrue(json.get(key) instanceof Number, key + " in " + r.out());
        }
        assertTrue(json.containsKey("floor_kid_std") && json.get("floor_kid_std") == null, "a spread that estimates nothing is null: " + r.out());
        Cli.usageError(Cli.run("eval", "--json", "--checkpoint", vae.resolve("checkpoint.safetensors").toString(), "--n", "3", "--device", "java"),
                "the sample metrics need more than 3 samples");
        r = Cli.run("eval", "--json", "--checkpoint", vae.resolve("checkpoint.safetensors").toString(), "--no-metrics", "--device", "java");
        assertEquals(0, r.code(), r.err());
        assertTrue(!r.out().contains("\"fid\""), r.out());
    }

    @Test
    void unlabelledDataIsRefusedInOneLine() throws IOException {
        Path csv = dir.resolve("points.csv");
        Files.writeString(csv, "x,y\n1,2\n3,4\n5,6\n7,8\n");
        Cli.usageError(Cli.run("train", "classifier", "--data", csv.toString(), "--device", "java"),
                "the classifier-based metrics need labelled images");
        Cli.usageError(Cli.run("train", "gan", "--data", csv.toString(), "--eval-every", "1", "--device", "java", "--out",
                dir.resolve("g").toString()), "--eval-every measures FID on a classifier of labelled images");
        Cli.usageError(Cli.run("train", "gan", "--eval-every", "-1", "--out", dir.resolve("g").toString()), "--eval-every must be 0");
    }
}
