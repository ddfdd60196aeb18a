package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.backend.TestBackends;
import org.latentcl.io.Json;
import org.latentcl.io.Safetensors;

/** train vae and train gan on two devices (the test's OpenCL device and the Java backend), as a user runs them. */
class MultiDeviceCommandTest {
    @TempDir
    Path dir;
    private Path data;

    @BeforeEach
    void smallDataset() throws IOException {
        data = Cli.digits(dir, 300);
    }

    /** One epoch of batch 64 on the given devices, unless {@code more} sets --epochs. */
    private Cli.Run train(String model, String devices, Path out, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", model, "--data", data.toString(), "--batch", "64",
                "--device", devices, "--quiet", "--out", out.toString()));
        if (!java.util.Arrays.asList(more).contains("--epochs")) {
            args.addAll(java.util.List.of("--epochs", "1"));
        }
        args.addAll(java.util.Arrays.asList(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void bothModelsTrainOnTwoDevicesAndSayHowTheySplitTheBatch() throws IOException {
        String cl = TestBackends.cl().device().id();
        for (String model : new String[] {"vae", "gan"}) {
            Path out = dir.resolve(model);
            Cli.Run r = train(model, cl + ",java", out);
            assertEquals(Main.EXIT_OK, r.code(), r.err());
            assertTrue(r.out().contains("data parallel over 2 devices; a batch of 64 is split " + cl + " 32 + java 32"), r.out());
            Map<?, ?> line = (Map<?, ?>) Json.parse(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
            String device = (String) line.get("device");
            assertTrue(device.startsWith(cl + " ") && device.contains(" + java"), "metrics.jsonl names both devices: " + device);
        }
        // Resuming a data-parallel VAE run continues it on the same devices.
        Cli.Run resumed = Cli.run("train", "vae", "--resume", dir.resolve("vae").toString(), "--epochs", "2", "--device", cl + ",java",
                "--quiet");
        assertEquals(Main.EXIT_OK, resumed.code(), resumed.err());
        assertEquals(2, Files.readAllLines(dir.resolve("vae").resolve("metrics.jsonl")).size());
    }

    /**
     * --balance through the command, with the devices' measured speeds: after epoch 1 the run announces a new split
     * of the batch that still adds up to it, and a resumed balanced run continues (the exact split at given speeds
     * is DataParallelTest's).
     */
    @Test
    void balanceAnnouncesTheMeasuredSplitAndResumes() throws IOException {
        String cl = TestBackends.cl().device().id();
        Path out = dir.resolve("balanced");
        Cli.Run r = train("vae", cl + ",java", out, "--balance", "--epochs", "2");
        assertEquals(Main.EXIT_OK, r.code(), r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("epoch 1 measured the devices' speed; a batch of 64 is now split "
                + java.util.regex.Pattern.quote(cl) + " (\\d+) \\+ java (\\d+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(64, Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)), m.group());
        Cli.Run resumed = Cli.run("train", "vae", "--resume", out.toString(), "--epochs", "3", "--device", cl + ",java", "--balance",
                "--quiet");
        assertEquals(Main.EXIT_OK, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("epoch 3 measured") == false && resumed.out().contains("data parallel over 2 devices"), resumed.out());
        assertEquals(3, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    }

    @Test
    void twoDataParallelRunsWriteTheSameCheckpoint() throws IOException {
        String cl = TestBackends.cl().device().id();
        for (String model : new String[] {"vae", "gan"}) {
            Path a = dir.resolve(model + "-a");
            Path b = dir.resolve(model + "-b");
            assertEquals(Main.EXIT_OK, train(model, cl + ",java", a).code());
            assertEquals(Main.EXIT_OK, train(model, cl + ",java", b).code());
            var ta = Safetensors.read(a.resolve("checkpoint.safetensors")).tensors();
            var tb = Safetensors.read(b.resolve("checkpoint.safetensors")).tensors();
            assertEquals(ta.keySet(), tb.keySet());
            for (String name : ta.keySet()) {
                assertArrayEquals(ta.get(name).data(), tb.get(name).data(), model + " " + name);
            }
        }
    }

    @Test
    void badDeviceListsAreOneLineAndLeaveNoRunDirectory() {
        String cl = TestBackends.cl().device().id();
        Path out = dir.resolve("never");
        String[][] cases = {
            {"vae", "java,java", "names java twice"},
            {"gan", cl + "," + cl, "names " + cl + " twice"},
            {"vae", cl + ",cl:99", "device 'cl:99' does not exist"},
            {"gan", "java,", "has an empty entry"},
            {"gan", "java", "--balance splits batches among several devices", "--balance"},
            {"gan", cl + ",java", "--pack 3 must divide the batch (64)", "--pack", "3"},
        };
        for (String[] c : cases) {
            Cli.usageError(train(c[0], c[1], out, java.util.Arrays.copyOfRange(c, 3, c.length)), c[2]);
            assertFalse(Files.exists(out), "no run directory after: " + c[2]);
        }
    }

    /**
     * A device lost in the middle of epoch 2 (here the Java device is closed between two steps, so
     * its next operation fails): the run stops with one line naming the device and the cause, exit 1
     * (the device failed, not the command), the checkpoint of epoch 1 byte for byte as it was saved,
     * and a resume on working devices carries the run on.
     */
    @Test
    void aDeviceLostMidRunStopsTheRunWithTheLastCheckpointIntact() throws IOException {
        String cl = TestBackends.cl().device().id();
        for (String model : new String[] {"vae", "gan"}) {
            Path out = dir.resolve("lost-" + model);
            byte[][] afterEpoch1 = new byte[1][];
            TrainingDevices.extend = (devices, b) -> b.listener(new org.latentcl.TrainingListener() {
                @Override
                public void step(int epoch, int step, int steps, java.util.function.DoubleSupplier loss) {
                    if (epoch == 2 && step == 2) {
                        devices.all().get(1).close();
                    }
                }

                @Override
                public void epoch(org.latentcl.EpochMetrics m) {
                    saved();
                }

                @Override
                public void ganEpoch(org.latentcl.GanEpochMetrics m) {
                    saved();
                }

                private void saved() {
                    try {
                        afterEpoch1[0] = afterEpoch1[0] != null ? afterEpoch1[0] : Files.readAllBytes(out.resolve("checkpoint.safetensors"));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            Cli.Run r;
            try {
                r = train(model, cl + ",java", out, "--epochs", "3");
            } finally {
                TrainingDevices.extend = (devices, b) -> { };
            }
            assertEquals(Main.EXIT_INTERNAL, r.code(), r.out() + r.err());
            String[] lines = r.err().strip().split("\n");
            assertEquals(1, lines.length, r.err());
            assertTrue(lines[0].startsWith("latentcl: error: training failed in epoch 2: java failed: java ") && lines[0].contains(" is closed. "),
                    lines[0]);
            assertTrue(lines[0].endsWith("The checkpoint from the end of epoch 1 is intact in " + out + "; continue with: train " + model
                    + " --resume " + out + " --epochs 3"), lines[0]);
            assertArrayEquals(afterEpoch1[0], Files.readAllBytes(out.resolve("checkpoint.safetensors")), model + ": the checkpoint of epoch 1");
            try (var files = Files.list(out)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left in " + out);
            }
            Cli.Run resumed = Cli.run("train", model, "--resume", out.toString(), "--epochs", "3", "--device", cl + ",java", "--quiet");
            assertEquals(Main.EXIT_OK, resumed.code(), resumed.err());
            assertEquals(3, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        }
    }
}
