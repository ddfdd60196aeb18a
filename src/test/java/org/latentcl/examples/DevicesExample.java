package org.latentcl.examples;

import org.latentcl.Device;
import org.latentcl.DeviceInfo;
import org.latentcl.Devices;

/** Lists the devices and opens one (docs/API.md shows this code). */
public final class DevicesExample {
    private DevicesExample() {
    }

    /**
     * Runs the example.
     *
     * @param args a device selector (default {@code auto})
     */
    public static void main(String[] args) {
        System.out.println(run(args.length > 0 ? args[0] : "auto"));
    }

    /**
     * Lists every device, then opens the one the selector names.
     *
     * @param selector auto, java, cl:N or part of a name
     * @return the opened device's description
     */
    public static String run(String selector) {
        for (DeviceInfo d : Devices.list()) {
            System.out.printf("%-6s %-5s %s (%d MiB)%n", d.id(), d.type(), d.name(), d.memoryBytes() >> 20);
        }
        try (Device device = Devices.get(selector)) {
            return "opened " + device;
        }
    }
}
