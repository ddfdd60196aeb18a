package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.io.Json;

/**
 * tools/load_checkpoint.py loads what LatentCL writes into PyTorch modules with strict loading: a conditional VAE
 * whose test -ELBO PyTorch computes near LatentCL's own, a DCGAN and a spectrally normalized projection cGAN whose
 * samples it draws. Needs /usr/bin/python3 with PyTorch (Debian's python3-torch, which CI installs); elsewhere the
 * tests are skipped with one line, and under CI=true they fail instead.
 */
class LoadCheckpointScriptTest {
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePyTorch() throws IOException, InterruptedException {
        String missing = null;
        if (!Files.isExecutable(Path.of(PYTHON))) {
            missing = PYTHON + " is not installed";
        } else {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                missing = PYTHON + " cannot import torch and numpy (apt-get install python3-torch)";
            }
        }
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true needs PyTorch for tools/load_checkpoint.py: " + missing);
            }
            System.err.println("tools/load_checkpoint.py tests skipped: " + missing);
            Assumptions.abort(missing);
        }
    }

    private static String script(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "tools/load_checkpoint.py"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "load_checkpoint.py timed out");
        assertEquals(0, p.exitValue(), "load_checkpoint.py failed:\n" + out);
        return out;
    }

    /** The report: the script's last line, a JSON object. */
    private static Map<?, ?> report(String out) {
        List<String> lines = out.strip().lines().toList();
        return (Map<?, ?>) Json.parse(lines.get(lines.size() - 1));
    }

    @Test
    void aConditionalVaeLoadsAndPyTorchFindsItsTestLoss() throws IOException, InterruptedException {
        Path out = dir.resolve("cvae");
        Cli.Run r = Cli.run("train", "vae", "--conditional", "--hidden", "64", "--epochs", "1", "--device", "java", "--quiet",
                "--out", out.toString());
        assertEquals(Main.EXIT_OK, r.code(), r.err());
        Map<?, ?> last = (Map<?, ?>) Json.parse(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
        double ours = ((Number) last.get("test_loss")).doubleValue();
        String printed = script(out.resolve("checkpoint.safetensors").toString(), "src/main/resources/datasets/default");
        assertTrue(printed.contains("loaded vae"), printed);
        double theirs = ((Number) report(printed).get("test_loss")).doubleValue();
        // One draw of z each (other noise): the same -ELBO to well under a nat on 1,000 test digits.
        assertEquals(ours, theirs, 1.0, "PyTorch's test -ELBO of LatentCL's checkpoint against LatentCL's");
    }

    @Test
    void aDcganAndAProjectionGanLoadAndDrawSamples() throws IOException, InterruptedException {
        Path dcgan = dir.resolve("dcgan");
        // Without the discriminator's batch norm (its middle convolutions then have biases), trained with R1.
        Cli.Run r = Cli.run("train", "gan", "--arch", "dcgan", "--ngf", "8", "--ndf", "8", "--epochs", "1", "--data", "shapes",
                "--image-size", "16", "--no-d-batch-norm", "--r1", "1", "--device", "java", "--quiet", "--out", dcgan.toString());
        assertEquals(Main.EXIT_OK, r.code(), r.err());
        String loaded = script(dcgan.resolve("checkpoint.safetensors").toString());
        assertTrue(loaded.contains("'disc_batch_norm': False"), loaded);
        Map<?, ?> d = report(loaded);
        assertEquals(List.of(64.0, 3.0, 16.0, 16.0), ((List<?>) d.get("samples")).stream().map(v -> ((Number) v).doubleValue()).toList());
        double mean = ((Number) d.get("mean")).doubleValue();
        assertTrue(mean > 0 && mean < 1, "samples in [0, 1]: mean " + mean);
        Path cgan = dir.resolve("cgan");
        r = Cli.run("train", "gan", "--conditional", "--spectral-norm", "--g-hidden", "32", "--d-hidden", "32", "--epochs", "1", "--data",
                "default", "--device", "java", "--quiet", "--out", cgan.toString());
        assertEquals(Main.EXIT_OK, r.code(), r.err());
        String printed = script(cgan.resolve("checkpoint.safetensors").toString());
        assertTrue(printed.contains("loaded gan") && printed.contains("'classes': 10"), printed);
        double p = ((Number) report(printed).get("mean_D_fake")).doubleValue();
        assertTrue(p > 0 && p < 1, "D's mean probability on G's samples: " + p);
        // PacGAN's layers: batch norm in the MLP generator (gen.bn.I with running statistics), maxout units in D, packs of 2.
        Path pacgan = dir.resolve("pacgan");
        r = Cli.run("train", "gan", "--g-batch-norm", "--d-maxout", "3", "--pack", "2", "--g-hidden", "32,32", "--d-hidden", "16", "--epochs",
                "1", "--data", "default", "--device", "java", "--quiet", "--out", pacgan.toString());
        assertEquals(Main.EXIT_OK, r.code(), r.err());
        printed = script(pacgan.resolve("checkpoint.safetensors").toString());
        assertTrue(printed.contains("'gen_batch_norm': True") && printed.contains("'disc_maxout': 3"), printed);
        p = ((Number) report(printed).get("mean_D_fake")).doubleValue();
        assertTrue(p > 0 && p < 1, "D's mean probability on G's samples: " + p);
    }

    /**
     * A GAN on points in standardized units with the residual generator (and packs of 2): PyTorch loads it strictly, and
     * its samples, scaled back with data_mean and data_std, lie where the data do (around 70 on average here, far from 0).
     */
    @Test
    void aStandardizedResidualGanLoadsAndSamplesInTheDataUnits() throws IOException, InterruptedException {
        StringBuilder csv = new StringBuilder("x,y\n");
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < 200; i++) {
            csv.append((float) (100 + 5 * (i % 2) + 0.3 * rnd.nextGaussian())).append(',').append((float) (40 + 0.3 * rnd.nextGaussian())).append('\n');
        }
        Path data = dir.resolve("points.csv");
        Files.writeString(data, csv);
        Path out = dir.resolve("points");
        Cli.Run r = Cli.run("train", "gan", "--data", data.toString(), "--standardize", "--g-residual", "--pack", "2", "--batch", "20", "--g-hidden", "16",
                "--d-hidden", "16", "--epochs", "1", "--device", "java", "--quiet", "--out", out.toString());
        assertEquals(Main.EXIT_OK, r.code(), r.err());
        String printed = script(out.resolve("checkpoint.safetensors").toString());
        assertTrue(printed.contains("'standardized': True") && printed.contains("'gen_residual': True"), printed);
        Map<?, ?> d = report(printed);
        double mean = ((Number) d.get("mean")).doubleValue();
        assertEquals(71.25, mean, 5, "the samples' mean in the data's units");
        double p = ((Number) d.get("mean_D_fake")).doubleValue();
        assertTrue(p > 0.2 && p < 0.8, "D's mean probability on G's samples, judged in standardized units: " + p);
    }
}
