package org.latentcl.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The only way a request reaches a file: a run's name and a file name, each one plain path segment, resolved under the
 * runs folder and accepted only when the real file (after every symbolic link) still lies inside the real runs folder.
 * Anything else, {@code ..}, an absolute path, a separator, a link leading out, is not found.
 */
final class SafeFiles {
    private SafeFiles() {
    }

    /** Whether s can be one segment of a path under the runs folder: not empty, not a dot name, no separator, no NUL. */
    static boolean plainSegment(String s) {
        return s != null && !s.isEmpty() && !s.equals(".") && !s.equals("..") && s.indexOf('/') < 0 && s.indexOf('\\') < 0
                && s.indexOf('\0') < 0 && !s.contains(":");
    }

    /** The run directory called name under root, if it is one (links leading out refused). */
    static Optional<Path> runDirectory(Path root, String name) {
        return inside(root, name).filter(Files::isDirectory);
    }

    /** The regular file {@code root/run/file}, if it is one and really lies under root. */
    static Optional<Path> runFile(Path root, String run, String file) {
        return inside(root, run, file).filter(Files::isRegularFile);
    }

    /** root/segments..., each segment one plain name, if it exists and its real path lies under root's. */
    private static Optional<Path> inside(Path root, String... segments) {
        for (String segment : segments) {
            if (!plainSegment(segment)) {
                return Optional.empty();
            }
        }
        try {
            Path realRoot = root.toRealPath();
            Path target = realRoot.resolve(String.join("/", segments)).normalize();
            if (!target.startsWith(realRoot) || !Files.exists(target)) {
                return Optional.empty();
            }
            Path real = target.toRealPath();
            return real.startsWith(realRoot) ? Optional.of(real) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
