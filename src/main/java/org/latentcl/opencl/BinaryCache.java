package org.latentcl.opencl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiled program binaries on disk, one file per key. The key hashes everything that changes
 * the binary: platform, device, driver version, build options and source text. A cache that
 * cannot be read or written only costs a rebuild, never an error.
 */
public final class BinaryCache {
    private static final Logger log = LoggerFactory.getLogger(BinaryCache.class);
    private final Path dir;

    BinaryCache(Path dir) {
        this.dir = dir;
    }

    /** {@code $LATENTCL_CACHE/kernels}, else {@code ~/.cache/latentcl/kernels}. */
    static BinaryCache fromEnvironment() {
        return new BinaryCache(cacheRoot().resolve("kernels"));
    }

    /**
     * LatentCL's cache folder: the system property {@code latentcl.cache} (tests point it at a
     * temporary folder), else {@code $LATENTCL_CACHE}, else {@code ~/.cache/latentcl}.
     */
    public static Path cacheRoot() {
        String property = System.getProperty("latentcl.cache");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String env = System.getenv("LATENTCL_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "latentcl");
    }

    static String key(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                sha.update(p.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    byte[] load(String key) {
        Path file = dir.resolve(key + ".bin");
        try {
            return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            log.debug("binary cache: cannot read {}: {}", file, e.getMessage());
            return null;
        }
    }

    void store(String key, byte[] binary) {
        Path file = dir.resolve(key + ".bin");
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            Files.write(tmp, binary);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("binary cache: cannot write {}: {}", file, e.getMessage());
        }
    }
}
