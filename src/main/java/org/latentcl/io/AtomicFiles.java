package org.latentcl.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Files that are either complete or absent: written to a temporary file, forced to disk, then renamed. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * Writes the file whole or not at all.
     *
     * @throws OutputException naming the file and why, when the place is unwritable, read-only or full
     */
    public static void write(Path file, byte[] bytes) throws OutputException {
        writeAll(Map.of(file, bytes));
    }

    /**
     * Writes files that belong together (a checkpoint, the training state that continues it, the
     * metrics line of its epoch): every one goes to a temporary file beside it and to disk first, and
     * only when all are written are they renamed into place. A full disk or any other failure while
     * writing leaves every earlier file as it was and no temporary file behind.
     *
     * @throws OutputException naming the file that failed and why
     */
    public static void writeAll(Map<Path, byte[]> files) throws OutputException {
        Map<Path, Path> staged = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, byte[]> f : files.entrySet()) {
                staged.put(f.getKey(), stage(f.getKey(), f.getValue()));
            }
            for (Map.Entry<Path, Path> f : staged.entrySet()) {
                try {
                    Files.move(f.getValue(), f.getKey(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new OutputException(f.getKey(), e);
                }
            }
        } finally {
            for (Path tmp : staged.values()) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Cannot be removed either; the write's own error is the one to report.
                }
            }
        }
    }

    /** Writes {@code bytes} to a new temporary file beside {@code file}, forced to disk, and returns it; removes it again on failure. */
    private static Path stage(Path file, byte[] bytes) throws OutputException {
        Path dir = file.toAbsolutePath().getParent();
        createDirectories(dir);
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        } catch (IOException e) {
            throw new OutputException(file, e);
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                var buf = java.nio.ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                // createTempFile makes the file private (rw-------); results are ordinary files.
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: keep its defaults.
            }
            return tmp;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Cannot be removed either; the write's own error is the one to report.
            }
            throw new OutputException(file, e);
        }
    }

    /** A text file's content with one more line (for metrics.jsonl, written whole so it never ends in half a line). */
    public static byte[] withLine(Path file, String line) throws OutputException {
        String before;
        try {
            before = Files.isRegularFile(file) ? Files.readString(file, java.nio.charset.StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new OutputException(file, e);
        }
        if (!before.isEmpty() && !before.endsWith("\n")) {
            before += "\n";
        }
        return (before + line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Removes an output file of an earlier run (a fresh run over it), or says which and why it cannot. */
    public static void deleteIfExists(Path file) throws OutputException {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new OutputException(file, e);
        }
    }

    /** Creates a directory and its parents, or says which and why it cannot. */
    public static void createDirectories(Path dir) throws OutputException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new OutputException(dir, e);
        }
    }
}
