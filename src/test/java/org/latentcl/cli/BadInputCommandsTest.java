package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.data.TestFiles;

/**
 * Each bad input of the reliability issue, given to the command a user would run: exit code 2,
 * one line on stderr naming the file or flag and the problem, no stack trace, no output file.
 */
class BadInputCommandsTest {
    @TempDir
    Path dir;

    private void trainOn(Path data, String reason) {
        Path out = dir.resolve("run");
        Cli.usageError(Cli.run("train", "vae", "--data", data.toString(), "--device", "java", "--out", out.toString(), "--quiet"), reason);
        assertFalse(Files.exists(out), "no run directory after bad data");
    }

    /** A directory holding one training-images file with these bytes. */
    private Path idxDir(String name, byte[] bytes) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        Files.write(d.resolve("train-images-idx3-ubyte" + (name.endsWith("gz") ? ".gz" : "")), bytes);
        return d;
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void badDataFiles() throws IOException {
        Path empty = dir.resolve("empty-dir");
        Files.createDirectories(empty);
        trainOn(empty, "train-images-idx3-ubyte");
        trainOn(idxDir("magic", new byte[] {1, 2, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 5}), "not an IDX file");
        trainOn(idxDir("dims", TestFiles.idx(new int[] {3, 2, 2}, new byte[10])), "truncated: the header promises 12 values");
        trainOn(idxDir("longer", TestFiles.idx(new int[] {2, 2, 2}, new byte[10])), "the dimensions disagree with the length");
        byte[] gz = TestFiles.gzip(TestFiles.idx(new int[] {50, 2, 2}, new byte[200]));
        trainOn(idxDir("truncated-gz", Arrays.copyOf(gz, gz.length / 2)), "corrupt or truncated gzip");
        byte[] corrupt = gz.clone();
        for (int i = 12; i < corrupt.length - 8; i++) {
            corrupt[i] ^= 0x5A;
        }
        trainOn(idxDir("corrupt-gz", corrupt), "gzip");
        trainOn(file("f8.npy", TestFiles.npy("<f8", "(2, 2)", new byte[32])), "dtype '<f8' is not supported");
        trainOn(file("flat.npy", TestFiles.npy("<f4", "(8,)", new byte[32])), "shape [8] is not supported");
        trainOn(file("short.npy", TestFiles.npy("<f4", "(3, 3)", new byte[32])), "needs 36 bytes of data but the file has 32");
        trainOn(file("ragged.csv", "1,2\n3,4,5\n".getBytes(StandardCharsets.UTF_8)), "line 2 has 3 values, expected 2");
        trainOn(file("words.csv", "1,2\n3,abc\n".getBytes(StandardCharsets.UTF_8)), "line 2, field 2: 'abc' is not a number");
        trainOn(file("header-only.csv", "a,b\n".getBytes(StandardCharsets.UTF_8)), "no data rows");
        trainOn(file("data.txt", "1,2\n".getBytes(StandardCharsets.UTF_8)), "unknown file type");
    }

    private void evalOf(Path checkpoint, String reason) {
        Cli.usageError(Cli.run("eval", "--json", "--checkpoint", checkpoint.toString(), "--device", "java"), reason);
        Path png = dir.resolve("out.png");
        Cli.usageError(Cli.run("sample", "--checkpoint", checkpoint.toString(), "--device", "java", "--out", png.toString()), reason);
        assertFalse(Files.exists(png), "no picture after a bad checkpoint");
    }

    private static final String VAE_META = "\"__metadata__\":{\"model\":\"vae\",\"config\":"
            + "\"{\\\"input\\\":4,\\\"hidden\\\":[3],\\\"latent\\\":2,\\\"decoder\\\":\\\"bernoulli\\\",\\\"sigma\\\":1.0}\"}";

    @Test
    void badCheckpoints() throws IOException {
        evalOf(file("text.safetensors", "not a checkpoint".getBytes(StandardCharsets.UTF_8)), "not a safetensors file");
        byte[] longHeader = TestFiles.safetensors("{}", new byte[0]);
        longHeader[0] = 100;
        evalOf(file("long.safetensors", longHeader), "header length 100 does not fit in the file's 10 bytes");
        evalOf(file("json.safetensors", TestFiles.safetensors("{\"a\": [1, 2", new byte[0])), "safetensors header is not valid JSON");
        evalOf(file("bounds.safetensors", TestFiles.safetensors("{" + VAE_META
                + ",\"enc.0.bias\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}", new byte[8])), "outside the 8 data bytes");
        evalOf(file("overlap.safetensors", TestFiles.safetensors("{" + VAE_META
                + ",\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}"
                + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12])), "tensors overlap");
        evalOf(file("f64.safetensors", TestFiles.safetensors("{" + VAE_META
                + ",\"enc.0.bias\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,24]}}", new byte[24])), "has dtype F64 (only F32");
        evalOf(file("shape.safetensors", TestFiles.safetensors("{" + VAE_META
                + ",\"enc.0.weight\":{\"dtype\":\"F32\",\"shape\":[2,4],\"data_offsets\":[0,32]}}", new byte[32])),
                "tensor enc.0.weight has shape [2, 4], but the configuration needs 3x4");
        evalOf(file("missing.safetensors", TestFiles.safetensors("{" + VAE_META + "}", new byte[0])), "tensor enc.0.weight is missing");
    }

    @Test
    void badFlagsAndDirectories() throws IOException {
        Path out = dir.resolve("r");
        Cli.usageError(Cli.run("train", "vae", "--latent", "0", "--out", out.toString()), "--latent must be a positive number");
        Cli.usageError(Cli.run("train", "vae", "--epochs", "-2", "--out", out.toString()), "--epochs must be a positive number");
        Cli.usageError(Cli.run("train", "vae", "--sigma", "NaN", "--out", out.toString()), "--sigma must be a positive number");
        Cli.usageError(Cli.run("train", "vae", "--batch", "1.5"), "1.5");
        Cli.usageError(Cli.run("train", "gan", "--k", "0", "--out", out.toString()), "--k");
        Cli.usageError(Cli.run("train", "vae", "--device", "cl:99", "--out", out.toString()), "cl:99");
        Cli.usageError(Cli.run("train", "gan", "--device", "cl:99", "--out", out.toString()), "cl:99");
        Cli.usageError(Cli.run("train", "gan", "--r1", "-1", "--out", out.toString()), "--r1 is the weight gamma");
        Cli.usageError(Cli.run("train", "gan", "--r1", "0", "--r1-every", "16", "--out", out.toString()), "add --r1 GAMMA");
        Cli.usageError(Cli.run("train", "gan", "--gp", "-10", "--out", out.toString()), "--gp is WGAN-GP's weight lambda");
        Cli.usageError(Cli.run("train", "gan", "--no-d-batch-norm", "--device", "java", "--out", out.toString()), "the MLP discriminator has none");
        Cli.usageError(Cli.run("train", "gan", "--d-maxout", "0", "--device", "java", "--out", out.toString()), "--d-maxout must be at least 1");
        Cli.usageError(Cli.run("train", "gan", "--arch", "dcgan", "--d-maxout", "5", "--device", "java", "--out", out.toString()),
                "--d-maxout is for the MLP GAN");
        Cli.usageError(Cli.run("train", "gan", "--arch", "dcgan", "--g-batch-norm", "--device", "java", "--out", out.toString()),
                "generator has batch norm already");
        Cli.usageError(Cli.run("train", "gan", "--loss", "wgan", "--no-spectral-norm", "--out", out.toString()), "add --gp 10");
        Cli.usageError(Cli.run("train", "gan", "--loss", "wgan", "--gp", "10", "--label-smoothing", "0.9", "--out", out.toString()),
                "--loss wgan has no targets");
        // R1's double backward has no batch norm: the DCGAN's discriminator is refused before a run directory exists.
        Cli.usageError(Cli.run("train", "gan", "--arch", "dcgan", "--r1", "10", "--device", "java", "--out", out.toString()), "batch norm");
        // With the minibatch std feature too, which R1 differentiates, the refusal names the batch norm and how to drop it.
        Cli.usageError(Cli.run("train", "gan", "--arch", "dcgan", "--minibatch-std", "--r1", "10", "--device", "java", "--out", out.toString()),
                "(the DCGAN's batch norm; drop it with --no-d-batch-norm");
        Cli.usageError(Cli.run("train", "gan", "--arch", "dcgan", "--loss", "wgan", "--gp", "10", "--device", "java", "--out", out.toString()),
                "batch norm");
        assertFalse(Files.exists(out), "no run directory after bad flags");
        Path png = dir.resolve("x.png");
        Cli.usageError(Cli.run("sample", "--checkpoint", dir.resolve("none.safetensors").toString(), "--out", png.toString()), "no such file");
        assertFalse(Files.exists(png), "no picture after a missing checkpoint");
        Path existing = dir.resolve("existing");
        Files.createDirectories(existing);
        Files.writeString(existing.resolve("metrics.jsonl"), "{}\n");
        Cli.usageError(Cli.run("train", "vae", "--device", "java", "--out", existing.toString()), "--force");
    }

    /** A run directory whose checkpoint and training state come from different saves cannot be resumed: it would mix two points of the run. */
    @Test
    void typosGetTheClosestNamesAndTheHelpToRead() {
        Cli.usageError(Cli.run("train", "vae", "--epoch", "1"), "unknown option '--epoch'; did you mean --epochs? (see latentcl train vae --help)");
        Cli.usageError(Cli.run("trian", "vae"), "unknown command 'trian'; did you mean train? (see latentcl --help)");
        Cli.usageError(Cli.run("train", "vea"), "unknown command 'vea'; did you mean vae? (see latentcl train --help)");
        Cli.usageError(Cli.run("train", "gan", "--g-emma=0.9"), "unknown option '--g-emma=0.9'; did you mean --g-ema?");
        Cli.usageError(Cli.run("train", "vae", "--zzzzzz"), "unknown option '--zzzzzz' (see latentcl train vae --help)");
        Cli.usageError(Cli.run("train", "vae", "extra"), "unexpected argument 'extra' (see latentcl train vae --help)");
        Cli.usageError(Cli.run("train"), "train vae, train gan or train classifier");
        Cli.usageError(Cli.run("selftest", "--device", "cl:1,java"),
                "device 'cl:1,java': this command runs on one device (lists and 'all' are for train vae and train gan)");
        Cli.usageError(Cli.run("train", "vae", "--data", "mnsit", "--device", "java"), "or of images (PNG or JPEG, one subdirectory per class)");
    }

    @Test
    void theClosestNamesAreTheFewestEditsAway() {
        org.junit.jupiter.api.Assertions.assertEquals(1, Typos.edits("vea", "vae"), "a swap of neighbours is one edit");
        org.junit.jupiter.api.Assertions.assertEquals(3, Typos.edits("kitten", "sitting"));
        org.junit.jupiter.api.Assertions.assertEquals(0, Typos.edits("", ""));
        // Within two edits, closest first, each name once, ties in the given order.
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of("--epoch", "--epochs"),
                Typos.closest("--epochz", java.util.List.of("--batch", "--epochs-x", "--epoch", "--epochs", "--epochs")));
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of("--epochs", "--epoch"),
                Typos.closest("--epochs", java.util.List.of("--epoch", "--epochs")));
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), Typos.closest("--zzz", java.util.List.of("--epochs")));
    }

    @Test
    void aCheckpointAndStateFromDifferentSavesAreRefused() throws IOException {
        Path data = Cli.digits(dir, 200);
        for (String model : new String[] {"vae", "gan"}) {
            Path run = dir.resolve("mixed-" + model);
            assertEquals(Main.EXIT_OK, Cli.run("train", model, "--data", data.toString(), "--epochs", "1", "--batch", "50", "--device", "java",
                    "--quiet", "--out", run.toString()).code());
            byte[] stateOfEpoch1 = Files.readAllBytes(run.resolve("state.safetensors"));
            assertEquals(Main.EXIT_OK, Cli.run("train", model, "--resume", run.toString(), "--epochs", "2", "--device", "java", "--quiet").code());
            Files.write(run.resolve("state.safetensors"), stateOfEpoch1);
            Cli.usageError(Cli.run("train", model, "--resume", run.toString(), "--epochs", "3", "--device", "java", "--quiet"),
                    "cannot resume " + run + ": its checkpoint is from epoch 2 but its training state from epoch 1 (the files come from different saves)");
        }
    }
}
