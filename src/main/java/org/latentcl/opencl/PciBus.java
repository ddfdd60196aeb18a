package org.latentcl.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * Where an OpenCL device sits on the PCI bus, as {@code nvidia-smi} and Spark's GPU discovery name it
 * ({@code 0000:3b:00.0}: domain, bus, device, function), read from whichever query the platform
 * offers. OpenCL has no standard one before the {@code cl_khr_pci_bus_info} extension; NVIDIA and AMD
 * have their own. CPUs and simulators report none.
 */
public final class PciBus {
    /** cl_khr_pci_bus_info: four cl_uint, domain, bus, device, function (Khronos OpenCL extension spec). */
    static final int CL_DEVICE_PCI_BUS_INFO_KHR = 0x410F;
    /** cl_nv_device_attribute_query: the bus, the slot (device << 3 | function) and, since CUDA 10.2, the domain, each a cl_uint. */
    static final int CL_DEVICE_PCI_BUS_ID_NV = 0x4008;
    static final int CL_DEVICE_PCI_SLOT_ID_NV = 0x4009;
    static final int CL_DEVICE_PCI_DOMAIN_ID_NV = 0x400A;
    /** cl_amd_device_attribute_query: cl_device_topology_amd, 24 bytes: a cl_uint type (1 = PCIe), 17 unused, then bus, device, function. */
    static final int CL_DEVICE_TOPOLOGY_AMD = 0x4037;

    private PciBus() {
    }

    /** The usual spelling: 4 hex digits of domain, 2 of bus, 2 of device, 1 of function. */
    static String of(long domain, long bus, long device, long function) {
        return String.format(Locale.ROOT, "%04x:%02x:%02x.%x", domain, bus, device, function);
    }

    /** From cl_khr_pci_bus_info's 16 bytes (host byte order: little-endian on every device LatentCL runs on). */
    static String fromKhr(byte[] info) {
        if (info == null || info.length < 16) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(info).order(ByteOrder.LITTLE_ENDIAN);
        return of(Integer.toUnsignedLong(b.getInt(0)), Integer.toUnsignedLong(b.getInt(4)), Integer.toUnsignedLong(b.getInt(8)),
                Integer.toUnsignedLong(b.getInt(12)));
    }

    /**
     * From NVIDIA's attributes. The slot's encoding is not documented; hwloc and others read it as
     * {@code device << 3 | function}, which for a GPU (device 0, function 0) is 0 either way.
     */
    static String fromNvidia(int bus, int slot, int domain) {
        return of(Integer.toUnsignedLong(domain), bus & 0xff, (slot >>> 3) & 0x1f, slot & 0x7);
    }

    /** From AMD's topology (24 bytes); null when it is not a PCIe topology. AMD reports no domain: 0000. */
    static String fromAmdTopology(byte[] topology) {
        if (topology == null || topology.length < 24) {
            return null;
        }
        int type = ByteBuffer.wrap(topology).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        return type != 1 ? null : of(0, topology[21] & 0xff, topology[22] & 0xff, topology[23] & 0xff);
    }

    /** What the device reports through the extensions it lists; null when none answers (a CPU, a simulator, an old driver). */
    static String read(org.jocl.cl_device_id device, String extensions) {
        String ext = extensions == null ? "" : extensions;
        try {
            if (ext.contains("cl_khr_pci_bus_info")) {
                return fromKhr(bytes(device, CL_DEVICE_PCI_BUS_INFO_KHR, 16));
            }
            if (ext.contains("cl_nv_device_attribute_query")) {
                int[] domain = new int[1];
                boolean hasDomain = org.jocl.CL.clGetDeviceInfo(device, CL_DEVICE_PCI_DOMAIN_ID_NV, 4, org.jocl.Pointer.to(domain), null)
                        == org.jocl.CL.CL_SUCCESS;
                return fromNvidia(uint(device, CL_DEVICE_PCI_BUS_ID_NV), uint(device, CL_DEVICE_PCI_SLOT_ID_NV), hasDomain ? domain[0] : 0);
            }
            if (ext.contains("cl_amd_device_attribute_query")) {
                return fromAmdTopology(bytes(device, CL_DEVICE_TOPOLOGY_AMD, 24));
            }
        } catch (IllegalStateException e) {
            // A query the extension promised but the driver refused: no bus id, as for a device without one.
        }
        return null;
    }

    private static byte[] bytes(org.jocl.cl_device_id device, int param, int size) {
        byte[] out = new byte[size];
        if (org.jocl.CL.clGetDeviceInfo(device, param, size, org.jocl.Pointer.to(out), null) != org.jocl.CL.CL_SUCCESS) {
            throw new IllegalStateException("query 0x" + Integer.toHexString(param) + " refused");
        }
        return out;
    }

    private static int uint(org.jocl.cl_device_id device, int param) {
        return ByteBuffer.wrap(bytes(device, param, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }
}
