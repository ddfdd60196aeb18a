package org.latentcl.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The GPUs Spark assigned to a task ({@code spark.task.resource.gpu.amount}; their addresses come from
 * the cluster's discovery script) as LatentCL's OpenCL devices ({@code --device cl:N,...}).
 *
 * <p>An address is either a PCI bus id ({@code 0000:3b:00.0}, as a discovery script can print from
 * {@code nvidia-smi --query-gpu=pci.bus_id}), matched against the bus id the OpenCL device reports, or
 * an index (Spark's example script prints {@code nvidia-smi}'s indices, which count the GPUs in PCI bus
 * order). An index is taken in PCI bus order when every OpenCL GPU reports its bus id, and otherwise in
 * the platform's order, with a warning: OpenCL's order need not be nvidia-smi's.
 */
final class GpuMapping {
    /** An OpenCL GPU on this host: its device id ({@code cl:N}), its name, and its PCI bus id, or null where the platform does not report one. */
    record ClGpu(String id, String name, String pciBusId) {
    }

    /** The devices for {@code --device}, and what the mapping could not be sure of. */
    record Mapped(String devices, List<String> warnings) {
    }

    private static final Pattern BUS_ID = Pattern.compile("(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\\.([0-7])");
    private static final Pattern INDEX = Pattern.compile("\\d+");

    private GpuMapping() {
    }

    /** A PCI bus id as {@code dddd:bb:dd.f}, lower case, the domain 0000 when not given; null when {@code s} is not one. */
    static String normalBusId(String s) {
        var m = BUS_ID.matcher(s.strip());
        if (!m.matches()) {
            return null;
        }
        long domain = m.group(1) == null ? 0 : Long.parseLong(m.group(1), 16);
        return String.format(Locale.ROOT, "%04x:%02x:%02x.%s", domain, Integer.parseInt(m.group(2), 16), Integer.parseInt(m.group(3), 16),
                m.group(4));
    }

    /**
     * Maps Spark's addresses to OpenCL devices.
     *
     * @param addresses the task's GPU addresses, in Spark's order
     * @param gpus      this host's OpenCL GPUs, in platform order
     * @param host      this host's name, for messages
     * @return the devices, in the order of the addresses
     * @throws IllegalArgumentException when an address names no OpenCL GPU of this host
     */
    static Mapped map(List<String> addresses, List<ClGpu> gpus, String host) {
        List<String> ids = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        boolean allReportBus = !gpus.isEmpty() && gpus.stream().allMatch(g -> normalBusId(String.valueOf(g.pciBusId())) != null);
        List<ClGpu> byBus = new ArrayList<>(gpus);
        if (allReportBus) {
            byBus.sort(Comparator.comparing(g -> normalBusId(g.pciBusId())));
        }
        for (String address : addresses) {
            String bus = normalBusId(address);
            ClGpu chosen;
            if (bus != null) {
                chosen = gpus.stream().filter(g -> g.pciBusId() != null && bus.equals(normalBusId(g.pciBusId()))).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("Spark assigned the GPU at PCI bus " + bus + ", but no OpenCL device on "
                                + host + " reports that bus id (OpenCL GPUs: " + describe(gpus) + ")"));
            } else if (INDEX.matcher(address.strip()).matches()) {
                int i = Integer.parseInt(address.strip());
                if (i >= gpus.size()) {
                    throw new IllegalArgumentException("Spark assigned GPU " + i + ", but " + host + " has " + gpus.size()
                            + " OpenCL GPU(s): " + describe(gpus));
                }
                chosen = byBus.get(i);
                if (!allReportBus) {
                    warnings.add("GPU " + i + " taken as the OpenCL GPU number " + i + " in platform order (" + chosen.id() + ", "
                            + chosen.name() + "): this platform reports no PCI bus ids, and its order may differ from nvidia-smi's; a "
                            + "discovery script that prints PCI bus ids makes the mapping exact");
                }
            } else {
                throw new IllegalArgumentException("Spark's GPU address '" + address + "' is neither an index nor a PCI bus id");
            }
            if (ids.contains(chosen.id())) {
                throw new IllegalArgumentException("Spark assigned " + chosen.id() + " twice (" + String.join(", ", addresses) + ")");
            }
            ids.add(chosen.id());
        }
        return new Mapped(String.join(",", ids), List.copyOf(warnings));
    }

    /**
     * The {@code --device} value for the GPUs Spark gave the running task, or null when it gave none (the
     * command then picks its device as on one host). Warnings go to the executor's log.
     */
    static String forThisTask() {
        org.apache.spark.TaskContext ctx = org.apache.spark.TaskContext.get();
        if (ctx == null) {
            return null;
        }
        scala.Option<org.apache.spark.resource.ResourceInformation> gpu = ctx.resources().get("gpu");
        if (gpu.isEmpty() || gpu.get().addresses().length == 0) {
            return null;
        }
        List<ClGpu> gpus = org.latentcl.Devices.list().stream().filter(d -> d.type().toLowerCase(Locale.ROOT).contains("gpu"))
                .map(d -> new ClGpu(d.id(), d.name(), d.pciBusId())).toList();
        Mapped m = map(List.of(gpu.get().addresses()), gpus, RoundTask.host());
        m.warnings().forEach(w -> System.err.println("latentcl-spark: " + w));
        return m.devices();
    }

    private static String describe(List<ClGpu> gpus) {
        return gpus.isEmpty() ? "none" : String.join(", ", gpus.stream().map(g -> g.id() + " " + g.name()
                + (g.pciBusId() == null ? "" : " at " + g.pciBusId())).toList());
    }
}
