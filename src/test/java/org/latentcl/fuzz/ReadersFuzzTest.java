package org.latentcl.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.latentcl.backend.GemmTuning;
import org.latentcl.data.Cifar10;
import org.latentcl.data.Csv;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Idx;
import org.latentcl.data.ImageFolder;
import org.latentcl.data.Npy;
import org.latentcl.io.Safetensors;
import org.latentcl.opencl.BinaryCache;

/**
 * Every reader of a file a user may be handed, under fuzzing. The contract: a reader returns a
 * valid object or throws the project's one-line error (IllegalArgumentException, of which
 * DataException is one, with a message of one line); never another exception, never an
 * allocation sized by an unchecked header field (an OutOfMemoryError under tools/fuzz.sh's small
 * heap), never a hang (libFuzzer's per-input timeout, 10 s in tools/fuzz.sh). In mvn verify each target runs over its committed inputs
 * (src/test/resources/org/latentcl/fuzz/ReadersFuzzTestInputs/TARGET: seeds and every input that
 * ever found a bug); JAZZER_FUZZ=1 fuzzes one target (docs/FUZZING.md).
 */
class ReadersFuzzTest {
    private static Path dir;

    @BeforeAll
    static void scratch() throws IOException {
        dir = Files.createTempDirectory("latentcl-fuzz");
    }

    @AfterAll
    static void clean() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Writes the input as a file of that name in a fresh subdirectory; returns the file. */
    private static Path file(String subdir, String name, byte[] data) {
        try {
            Path d = dir.resolve(subdir);
            Files.createDirectories(d);
            Path f = d.resolve(name);
            Files.write(f, data);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a read: a valid result is checked by the caller; the project's error must be one line; anything else escapes as a finding. */
    private static <T> Optional<T> read(java.util.function.Supplier<T> reader) {
        try {
            return Optional.of(reader.get());
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank() || m.contains("\n") || m.contains("\r")) {
                throw new AssertionError("the error is not one line: " + m, e);
            }
            return Optional.empty();
        }
    }

    private static void valid(Dataset d) {
        if (d.rows() <= 0 || d.cols() <= 0 || d.values().length != (long) d.rows() * d.cols()) {
            throw new AssertionError("an inconsistent dataset: " + d.rows() + " x " + d.cols() + " with " + d.values().length + " values");
        }
        if (d.isImage() && d.channels() * d.height() * d.width() != d.cols()) {
            throw new AssertionError("an image shape that does not match the rows: " + d.channels() + "x" + d.height() + "x" + d.width());
        }
    }

    @FuzzTest(maxDuration = "10m")
    void safetensors(byte[] data) {
        read(() -> Safetensors.read(file("st", "x.safetensors", data))).ifPresent(c -> c.tensors().values().forEach(e -> {
            long n = 1;
            for (int s : e.shape()) {
                n *= s;
            }
            if (n != e.data().length) {
                throw new AssertionError("tensor " + e.name() + " has " + e.data().length + " values for its shape");
            }
        }));
    }

    @FuzzTest(maxDuration = "10m")
    void npy(byte[] data) {
        read(() -> Npy.read(file("npy", "x.npy", data))).ifPresent(ReadersFuzzTest::valid);
    }

    @FuzzTest(maxDuration = "10m")
    void idx(byte[] data) {
        read(() -> Idx.read(new ByteArrayInputStream(data), "x-idx3-ubyte"));
    }

    @FuzzTest(maxDuration = "10m")
    void idxGzip(byte[] data) {
        read(() -> Idx.read(new ByteArrayInputStream(data), "x-idx3-ubyte.gz"));
    }

    @FuzzTest(maxDuration = "10m")
    void csv(byte[] data) {
        read(() -> Csv.read(file("csv", "x.csv", data))).ifPresent(ReadersFuzzTest::valid);
    }

    @FuzzTest(maxDuration = "10m")
    void png(byte[] data) {
        file("png/a", "x.png", data);
        read(() -> ImageFolder.read(dir.resolve("png"), 0)).ifPresent(ReadersFuzzTest::valid);
    }

    @FuzzTest(maxDuration = "10m")
    void jpeg(byte[] data) {
        file("jpeg/a", "x.jpg", data);
        read(() -> ImageFolder.read(dir.resolve("jpeg"), 0)).ifPresent(ReadersFuzzTest::valid);
    }

    @FuzzTest(maxDuration = "10m")
    void cifar10(byte[] data) {
        file("cifar", "data_batch_1.bin", data);
        file("cifar", "test_batch.bin", data);
        read(() -> Cifar10.readDirectory(dir.resolve("cifar"))).ifPresent((DataSplit s) -> {
            valid(s.train());
            valid(s.test());
        });
    }

    /** A tuning file is only ever advice: parse gives launch shapes the GEMM kernels can run, or nothing. */
    @FuzzTest(maxDuration = "10m")
    void gemmTuning(byte[] data) {
        read(() -> GemmTuning.parse(new String(data, StandardCharsets.UTF_8))).flatMap(t -> t).ifPresent(GemmTuning::check);
    }

    /** A cache file either decodes to the binary LatentCL stored, or to nothing; it never throws. */
    @FuzzTest(maxDuration = "10m")
    void binaryCache(byte[] data) {
        byte[] binary = BinaryCache.decode(data);
        if (binary != null && !java.util.Arrays.equals(BinaryCache.encode(binary), data)) {
            throw new AssertionError("a cache file decoded to a binary that does not encode back to it");
        }
    }
}
