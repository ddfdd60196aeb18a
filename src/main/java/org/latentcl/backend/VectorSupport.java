package org.latentcl.backend;

/** Whether Java's Vector API is present (the JVM was started with --add-modules jdk.incubator.vector). */
public final class VectorSupport {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(VectorSupport.class);
    /** True when {@code jdk.incubator.vector} can be loaded. */
    public static final boolean PRESENT = present();

    private VectorSupport() {
    }

    private static boolean present() {
        try {
            Class.forName("jdk.incubator.vector.FloatVector");
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            log.info("java backend: the Vector API (jdk.incubator.vector) is not available, so GEMM runs on plain loops; "
                    + "start the JVM with --add-modules jdk.incubator.vector for about 5x the speed");
            return false;
        }
    }
}
