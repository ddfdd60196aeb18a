package org.latentcl.opencl;

import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * What one OpenCL device reports about itself.
 *
 * @param index             position in the flat list of all devices on all platforms ({@code cl:N})
 * @param platformName      platform name, for example "Portable Computing Language"
 * @param name              device name
 * @param vendor            device vendor
 * @param type              "GPU", "CPU", "ACCELERATOR" or "OTHER"
 * @param computeUnits      CL_DEVICE_MAX_COMPUTE_UNITS
 * @param clockMhz          CL_DEVICE_MAX_CLOCK_FREQUENCY
 * @param globalMemBytes    CL_DEVICE_GLOBAL_MEM_SIZE
 * @param maxAllocBytes     CL_DEVICE_MAX_MEM_ALLOC_SIZE
 * @param localMemBytes     CL_DEVICE_LOCAL_MEM_SIZE
 * @param maxWorkGroupSize  CL_DEVICE_MAX_WORK_GROUP_SIZE
 * @param openclCVersion    CL_DEVICE_OPENCL_C_VERSION
 * @param driverVersion     CL_DRIVER_VERSION
 * @param correctlyRoundedDivSqrt whether the device can build with -cl-fp32-correctly-rounded-divide-sqrt
 * @param nativeFloatWidth  CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT: floats per SIMD register (16 with AVX-512, 8 with AVX2)
 * @param pciBusId          where the device sits on the PCI bus ({@code 0000:3b:00.0}), or null where it reports none ({@link PciBus})
 * @param platform          native platform handle
 * @param device            native device handle
 */
public record ClDeviceInfo(int index, String platformName, String name, String vendor, String type,
                           int computeUnits, int clockMhz, long globalMemBytes, long maxAllocBytes,
                           long localMemBytes, long maxWorkGroupSize, String openclCVersion,
                           String driverVersion, boolean correctlyRoundedDivSqrt, int nativeFloatWidth, String pciBusId,
                           cl_platform_id platform, cl_device_id device) {

    public boolean isGpu() {
        return "GPU".equals(type);
    }

    /**
     * Whether this is a simulator rather than hardware: Oclgrind, which interprets kernels to find
     * races and bad memory accesses, thousands of times slower than a device. {@code auto} never picks
     * it, and {@code selftest} checks there with small sizes and every kernel variant.
     */
    public boolean isSimulator() {
        return platformName.toLowerCase(java.util.Locale.ROOT).contains("oclgrind") || name.toLowerCase(java.util.Locale.ROOT).contains("oclgrind");
    }

    /** The selector that picks this device: {@code cl:N}. */
    public String id() {
        return "cl:" + index;
    }

    /** One line for logs: id, name, type and platform. */
    public String describe() {
        return id() + " " + name + " (" + type + ", " + platformName + ")";
    }
}
