package org.latentcl.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

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
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new OutputException(file, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // The temporary file was never made, or cannot be removed either; the write's own error is the one to report.
            }
        }
    }

    /** Adds a line to a text file (metrics.jsonl) by writing the whole file anew, so it never ends in half a line. */
    public static void appendLine(Path file, String line) throws OutputException {
        String before;
        try {
            before = Files.isRegularFile(file) ? Files.readString(file, java.nio.charset.StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new OutputException(file, e);
        }
        if (!before.isEmpty() && !before.endsWith("\n")) {
            before += "\n";
        }
        write(file, (before + line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
