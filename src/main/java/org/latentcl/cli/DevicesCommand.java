package org.latentcl.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.latentcl.backend.DeviceSelector;
import org.latentcl.opencl.ClDeviceInfo;
import org.latentcl.opencl.OpenCl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code devices}: every OpenCL platform and device, the Java backend, and what auto picks. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List OpenCL devices and the Java backend, and mark what --device auto chooses.")
final class DevicesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        OpenCl.Discovery found = OpenCl.discover();
        DeviceSelector.Choice auto = DeviceSelector.choose("auto");
        if (!found.available()) {
            out.println("OpenCL: unavailable: " + found.unavailable());
        }
        for (ClDeviceInfo d : found.devices()) {
            out.printf(Locale.ROOT, "%-6s %s%s%n", d.id(), d.name(), auto.id().equals(d.id()) ? "   <- auto" : "");
            out.printf(Locale.ROOT, "       type %s, platform %s, vendor %s%n", d.type(), d.platformName(), d.vendor());
            out.printf(Locale.ROOT, "       %d compute units at %d MHz, global memory %s (largest buffer %s), local memory %s%n",
                    d.computeUnits(), d.clockMhz(), bytes(d.globalMemBytes()), bytes(d.maxAllocBytes()), bytes(d.localMemBytes()));
            out.printf(Locale.ROOT, "       max work-group %d, %s, driver %s%n", d.maxWorkGroupSize(), d.openclCVersion(),
                    d.driverVersion());
        }
        Runtime rt = Runtime.getRuntime();
        out.printf(Locale.ROOT, "%-6s Java backend: %d threads, max heap %s%s%n", "java", rt.availableProcessors(),
                bytes(rt.maxMemory()), auto.isJava() ? "   <- auto" : "");
        out.println("auto chooses " + auto.id() + ": " + auto.reason());
    }

    static String bytes(long n) {
        if (n >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", n / (double) (1L << 30));
        }
        if (n >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%d KiB", n >> 10);
    }
}
