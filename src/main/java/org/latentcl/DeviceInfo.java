package org.latentcl;

/**
 * A device that {@link Devices#get(String)} can open, as {@link Devices#list()} reports it.
 *
 * @param id               the selector: {@code java} or {@code cl:N}
 * @param name             the device's name
 * @param type             {@code GPU}, {@code CPU}, {@code ACCELERATOR} (OpenCL) or {@code JAVA}
 * @param platform         the OpenCL platform, or {@code Java} for the Java backend
 * @param memoryBytes      the device's global memory (for the Java backend, the JVM's maximum heap)
 * @param vendor           the device's vendor (for the Java backend, the JVM's)
 * @param computeUnits     OpenCL compute units (for the Java backend, the threads it uses)
 * @param clockMhz         the maximum clock in MHz (0 where unknown: the Java backend)
 * @param maxBufferBytes   the largest single buffer the device allows (for the Java backend, the maximum heap)
 * @param localMemoryBytes local memory per work-group (0 for the Java backend)
 * @param maxWorkGroupSize the largest work-group (0 for the Java backend)
 * @param version          the OpenCL C version the device compiles, or the Java version
 * @param driverVersion    the OpenCL driver's version (empty for the Java backend)
 * @param pciBusId         where the device sits on the PCI bus, as nvidia-smi and Spark's GPU discovery name it
 *                         ({@code 0000:3b:00.0}), read through {@code cl_khr_pci_bus_info} or NVIDIA's or AMD's
 *                         attributes; null where the device reports none (CPUs, the Java backend)
 */
public record DeviceInfo(String id, String name, String type, String platform, long memoryBytes, String vendor, int computeUnits,
                         int clockMhz, long maxBufferBytes, long localMemoryBytes, long maxWorkGroupSize, String version,
                         String driverVersion, String pciBusId) {
    /**
     * Whether this is the Java backend rather than an OpenCL device.
     *
     * @return true for {@code java}
     */
    public boolean isJava() {
        return id.equals("java");
    }
}
