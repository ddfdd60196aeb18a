package org.latentcl.opencl;

/**
 * Builds and launches the deliberately racy kernel of the test resources on the simulator, in a
 * process of its own (Oclgrind reads its checks from the environment when it loads).
 */
public final class RacyKernelRun {
    private RacyKernelRun() {
    }

    public static void main(String[] args) {
        ClDeviceInfo sim = OpenCl.discover().devices().stream().filter(ClDeviceInfo::isSimulator).findFirst()
                .orElseThrow(() -> new IllegalStateException("no simulator registered"));
        try (ClContext ctx = new ClContext(sim)) {
            ClBuffer out = ctx.allocate(4 * Float.BYTES);
            ctx.launch(ctx.kernels().kernel("racy.cl", "", "racy"), new long[] {64}, new long[] {16}, out, 0);
            ctx.finish();
            out.close();
        }
        System.out.println("launched");
    }
}
