package org.latentcl.backend;

import java.util.List;
import java.util.Locale;
import org.latentcl.opencl.ClDeviceInfo;
import org.latentcl.opencl.ClException;
import org.latentcl.opencl.OpenCl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a device selector into a backend:
 * <ul>
 *   <li>{@code auto}: a GPU if there is one, else any OpenCL device, else the Java backend; never a
 *       simulator (Oclgrind), which only {@code selftest} and the tests use, by name or number;</li>
 *   <li>{@code java}: the Java backend;</li>
 *   <li>{@code cl:N}: the N-th OpenCL device, counting over every platform (see {@code devices});</li>
 *   <li>anything else: the OpenCL device whose name contains the text, ignoring case.</li>
 * </ul>
 */
public final class DeviceSelector {
    private static final Logger log = LoggerFactory.getLogger(DeviceSelector.class);

    private DeviceSelector() {
    }

    /**
     * What a selector resolves to, before any device is opened.
     *
     * @param device the OpenCL device, or null for the Java backend
     * @param reason why this one was chosen, for the log
     */
    public record Choice(ClDeviceInfo device, String reason) {
        public boolean isJava() {
            return device == null;
        }

        public String id() {
            return device == null ? "java" : device.id();
        }
    }

    /** Resolves a selector; throws {@link IllegalArgumentException} naming the problem for a bad one. */
    public static Choice choose(String selector) {
        String spec = selector == null ? "auto" : selector.trim();
        if (spec.equalsIgnoreCase("java")) {
            return new Choice(null, "asked for the Java backend");
        }
        OpenCl.Discovery found = OpenCl.discover();
        List<ClDeviceInfo> devices = found.devices();
        if (spec.contains(",") || spec.equalsIgnoreCase("all")) {
            // Lists are for training, which splits batches over them; everything else runs on one device.
            throw new IllegalArgumentException("device '" + spec + "': this command runs on one device (lists and 'all' are for train "
                    + "vae and train gan); " + known(devices));
        }
        if (spec.equalsIgnoreCase("auto")) {
            if (!found.available()) {
                return new Choice(null, "OpenCL is unavailable: " + found.unavailable());
            }
            return auto(devices);
        }
        if (!found.available()) {
            throw new IllegalArgumentException("device '" + spec + "': OpenCL is unavailable: " + found.unavailable());
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.startsWith("cl:")) {
            int index;
            try {
                index = Integer.parseInt(lower.substring(3));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("device '" + spec + "': expected cl:N with N a number; " + known(devices));
            }
            if (index < 0 || index >= devices.size()) {
                throw new IllegalArgumentException("device '" + spec + "' does not exist; " + known(devices));
            }
            return new Choice(devices.get(index), "asked for " + spec);
        }
        for (ClDeviceInfo d : devices) {
            if (d.name().toLowerCase(Locale.ROOT).contains(lower)) {
                return new Choice(d, "its name matches '" + spec + "'");
            }
        }
        throw new IllegalArgumentException("no device matches '" + spec + "'; " + known(devices));
    }

    /**
     * Resolves a list of selectors for a data-parallel run: selectors separated by commas, or
     * {@code all} (every GPU; without one every OpenCL device; never a simulator; without OpenCL
     * the Java backend). Refuses a device named twice.
     */
    public static List<Choice> chooseAll(String selectors) {
        String spec = selectors == null ? "auto" : selectors.trim();
        List<Choice> out = new java.util.ArrayList<>();
        if (spec.equalsIgnoreCase("all")) {
            OpenCl.Discovery found = OpenCl.discover();
            List<ClDeviceInfo> real = found.available() ? found.devices().stream().filter(d -> !d.isSimulator()).toList() : List.of();
            List<ClDeviceInfo> gpus = real.stream().filter(ClDeviceInfo::isGpu).toList();
            for (ClDeviceInfo d : gpus.isEmpty() ? real : gpus) {
                out.add(new Choice(d, gpus.isEmpty() ? "all: every OpenCL device (no GPU)" : "all: every GPU"));
            }
            if (out.isEmpty()) {
                out.add(new Choice(null, "all: no OpenCL device but a simulator"));
            }
            return out;
        }
        for (String part : spec.split(",", -1)) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("device list '" + spec + "' has an empty entry");
            }
            Choice c = choose(part);
            for (Choice earlier : out) {
                if (earlier.id().equals(c.id())) {
                    throw new IllegalArgumentException("device list '" + spec + "' names " + c.id() + " twice");
                }
            }
            out.add(c);
        }
        return out;
    }

    /** Opens a resolved choice; {@code selector} is what the user wrote, for the fallback rule of auto. */
    public static Backend open(Choice choice, String selector) {
        if (choice.isJava()) {
            log.info("device: java backend ({})", choice.reason());
            return new JavaBackend();
        }
        try {
            Backend b = new ClBackend(choice.device());
            log.info("device: {} ({})", choice.device().describe(), choice.reason());
            return b;
        } catch (ClException e) {
            if (selector == null || selector.trim().equalsIgnoreCase("auto")) {
                log.warn("device: {} failed to open ({}); falling back to the java backend", choice.device().describe(),
                        e.getMessage());
                return new JavaBackend();
            }
            throw e;
        }
    }

    /** What {@code auto} picks from the devices: the first GPU, else the first other device, never a simulator. */
    static Choice auto(List<ClDeviceInfo> devices) {
        List<ClDeviceInfo> real = devices.stream().filter(d -> !d.isSimulator()).toList();
        for (ClDeviceInfo d : real) {
            if (d.isGpu()) {
                return new Choice(d, "auto prefers a GPU");
            }
        }
        if (real.isEmpty()) {
            return new Choice(null, "auto found only a simulator (" + devices.get(0).name() + "), which it never picks");
        }
        return new Choice(real.get(0), "auto found no GPU; using the first OpenCL device");
    }

    /**
     * Resolves a selector and opens the backend. With {@code auto}, an OpenCL device that fails to
     * open falls back to the Java backend, and the log says so.
     */
    public static Backend open(String selector) {
        return open(choose(selector), selector);
    }

    private static String known(List<ClDeviceInfo> devices) {
        StringBuilder sb = new StringBuilder("known devices: java");
        for (ClDeviceInfo d : devices) {
            sb.append(", ").append(d.id()).append(" (").append(d.name()).append(')');
        }
        return sb.toString();
    }
}
