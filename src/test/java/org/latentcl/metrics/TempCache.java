package org.latentcl.metrics;

import java.nio.file.Path;

/** Points LatentCL's cache (the latentcl.cache property) at a folder until closed, so tests neither read nor fill the user's. */
public final class TempCache implements AutoCloseable {
    private final String before;

    private TempCache(Path dir) {
        before = System.getProperty("latentcl.cache");
        System.setProperty("latentcl.cache", dir.toString());
    }

    /** The cache at dir from now until {@link #close}. */
    public static TempCache at(Path dir) {
        return new TempCache(dir);
    }

    @Override
    public void close() {
        if (before == null) {
            System.clearProperty("latentcl.cache");
        } else {
            System.setProperty("latentcl.cache", before);
        }
    }
}
