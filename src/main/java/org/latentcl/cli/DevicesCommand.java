package org.latentcl.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.latentcl.DeviceInfo;
import org.latentcl.Devices;
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
        Devices.AutoChoice auto = Devices.autoChoice();
        Devices.openClUnavailable().ifPresent(why -> out.println("OpenCL: unavailable: " + why));
        java.util.List<DeviceInfo> devices = Devices.list();
        for (DeviceInfo d : devices) {
            String mark = auto.id().equals(d.id()) ? "   <- auto" : "";
            if (d.isJava()) {
                continue;
            }
            out.printf(Locale.ROOT, "%-6s %s%s%n", d.id(), d.name(), mark);
            out.printf(Locale.ROOT, "       type %s, platform %s, vendor %s%n", d.type(), d.platform(), d.vendor());
            out.printf(Locale.ROOT, "       %d compute units at %d MHz, global memory %s (largest buffer %s), local memory %s%n",
                    d.computeUnits(), d.clockMhz(), bytes(d.memoryBytes()), bytes(d.maxBufferBytes()), bytes(d.localMemoryBytes()));
            out.printf(Locale.ROOT, "       max work-group %d, %s, driver %s%s%n", d.maxWorkGroupSize(), d.version(), d.driverVersion(),
                    d.pciBusId() == null ? "" : ", PCI " + d.pciBusId());
        }
        DeviceInfo java = devices.get(0);
        out.printf(Locale.ROOT, "%-6s Java backend: %d threads, max heap %s%s%n", "java", java.computeUnits(), bytes(java.memoryBytes()),
                auto.id().equals("java") ? "   <- auto" : "");
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
