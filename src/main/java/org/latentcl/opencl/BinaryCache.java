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

    /** The program binary stored under key, or null when there is none or the file is not intact. */
    byte[] load(String key) {
        Path file = dir.resolve(key + ".bin");
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            byte[] binary = decode(Files.readAllBytes(file));
            if (binary == null) {
                log.debug("binary cache: {} is not an intact cache file; rebuilding from source", file);
            }
            return binary;
        } catch (IOException e) {
            log.debug("binary cache: cannot read {}: {}", file, e.getMessage());
            return null;
        }
    }

    /** A cache file starts with this, then the binary's length (8 bytes) and its SHA-256, then the binary. */
    private static final byte[] MAGIC = "LATENTCL-BIN-1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST = 32;

    /** A cache file for a program binary: magic, length, SHA-256 and the binary. */
    public static byte[] encode(byte[] binary) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(MAGIC.length + 8 + DIGEST + binary.length);
        b.put(MAGIC).putLong(binary.length).put(sha256(binary)).put(binary);
        return b.array();
    }

    /**
     * The program binary in a cache file, or null when the file is not one LatentCL wrote intact
     * (another format, truncated, or altered): only a verified binary reaches the OpenCL driver,
     * whose own binary loader is native code.
     */
    public static byte[] decode(byte[] file) {
        int head = MAGIC.length + 8 + DIGEST;
        if (file == null || file.length < head || !java.util.Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        long length = java.nio.ByteBuffer.wrap(file, MAGIC.length, 8).getLong();
        if (length != file.length - head) {
            return null;
        }
        byte[] binary = java.util.Arrays.copyOfRange(file, head, file.length);
        return java.util.Arrays.equals(sha256(binary), 0, DIGEST, file, MAGIC.length + 8, head) ? binary : null;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    void store(String key, byte[] binary) {
        Path file = dir.resolve(key + ".bin");
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            Files.write(tmp, encode(binary));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("binary cache: cannot write {}: {}", file, e.getMessage());
        }
    }
}
