package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoneLineTest {
    @TempDir
    Path dir;

    @Test
    void everyFileIsNamedTheMainOnesFirstAndPerEpochPicturesOnce() throws Exception {
        for (String f : new String[] {"loss.png", "samples-epoch-10.png", "metrics.jsonl", "samples-epoch-2.png", "zeta.txt", "checkpoint.safetensors",
            "state.safetensors", "samples.png", "fid.png", "checkpoint.safetensors.tmp"}) {
            Files.writeString(dir.resolve(f), "x");
        }
        Files.createDirectory(dir.resolve("a-folder"));
        assertEquals("done: " + dir + " holds checkpoint.safetensors, state.safetensors, metrics.jsonl, samples.png, loss.png, fid.png, zeta.txt, "
                + "samples-epoch-{2..10}.png", DoneLine.of(dir));
    }

    @Test
    void onePerEpochPictureIsNamedAsItIs() throws Exception {
        Files.writeString(dir.resolve("samples-epoch-1.png"), "x");
        assertEquals("done: " + dir + " holds samples-epoch-1.png", DoneLine.of(dir));
    }
}
