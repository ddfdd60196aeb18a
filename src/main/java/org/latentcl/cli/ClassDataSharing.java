package org.latentcl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.latentcl.opencl.BinaryCache;

/**
 * Start-up: the re-launched JVM maps the application's classes (picocli, JOCL, LatentCL) from a
 * class-data-sharing archive instead of loading and verifying them one by one. The first run
 * writes the archive as it exits ({@code -XX:ArchiveClassesAtExit}, to a temporary file that is
 * renamed once the run succeeded); later runs use it ({@code -XX:SharedArchiveFile}). The archive
 * is named after the jar's path, size and time and the JVM's version, so a rebuilt jar or another
 * JVM makes a new one. {@code LATENTCL_CDS=0} turns it off.
 */
final class ClassDataSharing {
    private final Path archive;
    private final Path pending;

    private ClassDataSharing(Path archive, Path pending) {
        this.archive = archive;
        this.pending = pending;
    }

    /** For the jar this JVM runs from, or null when there is none (classes from folders, as in the tests) or it is off. */
    static ClassDataSharing forThisJar() {
        String cp = System.getProperty("java.class.path", "");
        if ("0".equals(System.getenv("LATENTCL_CDS")) || !cp.endsWith(".jar") || cp.contains(java.io.File.pathSeparator)
                || !hasBaseArchive()) {
            return null;
        }
        try {
            Path jar = Path.of(cp).toAbsolutePath();
            String key = Integer.toHexString((jar + "|" + Files.size(jar) + "|" + Files.getLastModifiedTime(jar).toMillis() + "|"
                    + System.getProperty("java.vm.version")).hashCode());
            Path dir = BinaryCache.cacheRoot().resolve("cds");
            Files.createDirectories(dir);
            Path archive = dir.resolve("latentcl-" + key + ".jsa");
            return new ClassDataSharing(archive, dir.resolve("latentcl-" + key + "." + ProcessHandle.current().pid() + ".tmp"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether this Java runtime has the JDK's own archive, which an application archive extends: a
     * runtime made by jlink (the GPU bundle's) has none, and there the JVM would refuse to start.
     */
    private static boolean hasBaseArchive() {
        Path server = Path.of(System.getProperty("java.home"), "lib", "server");
        return Files.isRegularFile(server.resolve("classes.jsa")) || Files.isRegularFile(server.resolve("classes_nocoops.jsa"));
    }

    /**
     * The JVM options: use the archive, or write it at exit; CDS's own log lines stay off either way,
     * and the JVM's own messages (a failed write of the archive) go to stderr, where the launcher
     * can hold them back ({@link RelaunchedErrors}).
     */
    List<String> jvmOptions() {
        String use = Files.isRegularFile(archive) ? "-XX:SharedArchiveFile=" + archive : "-XX:ArchiveClassesAtExit=" + pending;
        return List.of(use, "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-XX:+DisplayVMOutputToStderr");
    }

    /** After the run: keep a freshly written archive if the run succeeded, else drop it. */
    void finish(int exitCode) {
        try {
            if (Files.isRegularFile(pending)) {
                if (exitCode == Main.EXIT_OK && !Files.exists(archive)) {
                    Files.move(pending, archive, StandardCopyOption.ATOMIC_MOVE);
                    pruneOlder(archive.getParent());
                } else {
                    Files.delete(pending);
                }
            }
        } catch (IOException e) {
            // Another run made the archive meanwhile, or the cache is read-only: start-up is just slower.
        }
    }

    /** Archives kept: every rebuilt jar or updated JVM makes a new one (about 10 MB), so older ones go. */
    static final int KEPT = 3;

    /** Deletes all but the {@link #KEPT} newest archives (one still in use elsewhere is only unlinked; that JVM keeps its mapping). */
    static void pruneOlder(Path dir) {
        try (var files = Files.list(dir)) {
            List<Path> archives = files.filter(f -> f.getFileName().toString().matches("latentcl-[0-9a-f]+\\.jsa"))
                    .sorted(java.util.Comparator.comparing(ClassDataSharing::modified).reversed()).toList();
            for (Path old : archives.subList(Math.min(KEPT, archives.size()), archives.size())) {
                Files.deleteIfExists(old);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // A cache that cannot be listed or pruned costs only disk space.
        }
    }

    private static java.nio.file.attribute.FileTime modified(Path f) {
        try {
            return Files.getLastModifiedTime(f);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }
}
