package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up archives do not pile up: every rebuilt jar makes one of about 10 MB. */
class ClassDataSharingTest {
    @TempDir
    Path cds;

    @Test
    void onlyTheNewestArchivesAreKept() throws IOException {
        for (int i = 0; i < 6; i++) {
            Path a = Files.write(cds.resolve("latentcl-" + Integer.toHexString(0xa0 + i) + ".jsa"), new byte[] {1});
            Files.setLastModifiedTime(a, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        Files.write(cds.resolve("latentcl-a1.12345.tmp"), new byte[] {1});
        Files.write(cds.resolve("other.jsa"), new byte[] {1});
        ClassDataSharing.pruneOlder(cds);
        try (var files = Files.list(cds)) {
            assertEquals(List.of("latentcl-a1.12345.tmp", "latentcl-a3.jsa", "latentcl-a4.jsa", "latentcl-a5.jsa", "other.jsa"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }
}
