package org.latentcl;

/**
 * A device that {@link Devices#get(String)} can open, as {@link Devices#list()} reports it.
 *
 * @param id          the selector: {@code java} or {@code cl:N}
 * @param name        the device's name
 * @param type        {@code GPU}, {@code CPU}, {@code ACCELERATOR} (OpenCL) or {@code JAVA}
 * @param platform    the OpenCL platform, or {@code Java} for the Java backend
 * @param memoryBytes the device's global memory (for the Java backend, the JVM's maximum heap)
 */
public record DeviceInfo(String id, String name, String type, String platform, long memoryBytes) {
}
