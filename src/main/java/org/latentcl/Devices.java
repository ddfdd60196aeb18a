package org.latentcl;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.DeviceSelector;
import org.latentcl.backend.JavaBackend;
import org.latentcl.opencl.ClDeviceInfo;
import org.latentcl.opencl.OpenCl;

/**
 * Finds and opens devices. Selectors are those of the command line's {@code --device}:
 * {@code auto}, {@code java}, {@code cl:N}, or part of a device's name.
 */
public final class Devices {
    private Devices() {
    }

    /**
     * Every device this machine offers, the Java backend first; OpenCL devices are listed only when
     * an OpenCL driver is installed.
     *
     * @return the devices, without opening any
     */
    public static List<DeviceInfo> list() {
        List<DeviceInfo> out = new ArrayList<>();
        Runtime rt = Runtime.getRuntime();
        out.add(new DeviceInfo("java", "Java backend", "JAVA", "Java", rt.maxMemory(), System.getProperty("java.vendor", ""),
                rt.availableProcessors(), 0, rt.maxMemory(), 0, 0, "Java " + Runtime.version().feature(), "", null));
        for (ClDeviceInfo d : OpenCl.discover().devices()) {
            out.add(new DeviceInfo(d.id(), d.name(), d.type(), d.platformName(), d.globalMemBytes(), d.vendor(), d.computeUnits(), d.clockMhz(),
                    d.maxAllocBytes(), d.localMemBytes(), d.maxWorkGroupSize(), d.openclCVersion(), d.driverVersion(), d.pciBusId()));
        }
        return out;
    }

    /**
     * Why no OpenCL device can be listed, when none can: no OpenCL library, no platform, or a driver that failed.
     *
     * @return the reason in words, or empty when OpenCL is available
     */
    public static java.util.Optional<String> openClUnavailable() {
        OpenCl.Discovery found = OpenCl.discover();
        return found.available() ? java.util.Optional.empty() : java.util.Optional.of(found.unavailable());
    }

    /**
     * What {@code auto} would open, and why, without opening it.
     *
     * @param id     the device's selector, {@code java} or {@code cl:N}
     * @param reason why auto chose it, in words (no GPU, a simulator passed over, ...)
     */
    public record AutoChoice(String id, String reason) {
    }

    /**
     * The device {@link #auto()} chooses and the reason, without opening it.
     *
     * @return the choice
     */
    public static AutoChoice autoChoice() {
        DeviceSelector.Choice c = DeviceSelector.choose("auto");
        return new AutoChoice(c.id(), c.reason());
    }

    /**
     * A GPU if there is one, else any OpenCL device, else the Java backend; an OpenCL device that
     * fails to open falls back to the Java backend (the log says so).
     *
     * @return the opened device
     */
    public static Device auto() {
        return get("auto");
    }

    /**
     * The pure-Java backend, on all cores.
     *
     * @return the opened device
     */
    public static Device java() {
        return new Device(new JavaBackend(), "java");
    }

    /**
     * Opens the device a selector names.
     *
     * @param selector {@code auto}, {@code java}, {@code cl:N}, or part of a device's name
     * @return the opened device
     * @throws IllegalArgumentException for a selector that names no device, with the devices known
     */
    public static Device get(String selector) {
        if (selector == null || selector.isBlank()) {
            throw new IllegalArgumentException("a device selector is needed: auto, java, cl:N or part of a device's name");
        }
        Backend backend = DeviceSelector.open(selector);
        return new Device(backend, backend instanceof ClBackend cl ? cl.device().id() : "java");
    }

    /**
     * Opens the devices of a data-parallel run (for {@link Trainer.Builder#devices}): selectors
     * separated by commas ({@code cl:0,cl:1}, {@code cl:0,java}), or {@code all}: every GPU, or
     * every OpenCL device when there is no GPU (never a simulator), or the Java backend when there is
     * no OpenCL device. A single selector gives one device.
     *
     * @param selectors the list, as {@code --device} takes it
     * @return the opened devices, in the list's order
     * @throws IllegalArgumentException for a selector that names no device, or a device named twice
     */
    public static List<Device> getAll(String selectors) {
        if (selectors == null || selectors.isBlank()) {
            throw new IllegalArgumentException("a device list is needed: all, or selectors separated by commas (cl:0,cl:1)");
        }
        List<Device> out = new ArrayList<>();
        try {
            for (DeviceSelector.Choice c : DeviceSelector.chooseAll(selectors)) {
                Backend backend = DeviceSelector.open(c, selectors.contains(",") ? c.id() : selectors);
                out.add(new Device(backend, backend instanceof ClBackend cl ? cl.device().id() : "java"));
            }
        } catch (RuntimeException e) {
            out.forEach(Device::close);
            throw e;
        }
        return out;
    }

    /**
     * Checks a device list as {@link #getAll} takes it without opening any device, so that a
     * mistake is reported before anything else happens.
     *
     * @param selectors the list
     * @throws IllegalArgumentException for a selector that names no device, or a device named twice
     */
    public static void check(String selectors) {
        if (selectors == null || selectors.isBlank()) {
            throw new IllegalArgumentException("a device list is needed: all, or selectors separated by commas (cl:0,cl:1)");
        }
        DeviceSelector.chooseAll(selectors);
    }

    /** Builds a model on the given device, or on one it opens with {@link #auto()} and closes again if building fails. */
    static <M> M buildOn(Device given, java.util.function.Function<Device, M> build) {
        if (given != null) {
            return build.apply(given);
        }
        Device own = auto();
        try {
            return build.apply(own);
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }
}
