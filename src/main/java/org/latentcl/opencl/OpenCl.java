package org.latentcl.opencl;

import static org.jocl.CL.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * Discovers OpenCL platforms and devices. Loading OpenCL can fail in several ways (no ICD loader,
 * no {@code libOpenCL.so}, no platform installed); {@link #discover()} never throws for those and
 * reports the reason instead, so callers can fall back to the Java backend.
 */
public final class OpenCl {
    private static Discovery cached;

    private OpenCl() {
    }

    /**
     * The result of looking for OpenCL.
     *
     * @param devices     every device of every platform, in {@code cl:N} order
     * @param unavailable why OpenCL cannot be used, or null when it can
     */
    public record Discovery(List<ClDeviceInfo> devices, String unavailable) {
        public boolean available() {
            return unavailable == null;
        }
    }

    /** Looks for platforms and devices once per process and remembers the answer. */
    public static synchronized Discovery discover() {
        if (cached == null) {
            cached = probe();
        }
        return cached;
    }

    private static Discovery probe() {
        int[] count = new int[1];
        try {
            setExceptionsEnabled(false);
            int code = clGetPlatformIDs(0, null, count);
            if (code == CL_PLATFORM_NOT_FOUND_KHR || (code == CL_SUCCESS && count[0] == 0)) {
                return new Discovery(List.of(), "no OpenCL platform is installed (install PoCL or a vendor driver: tools/setup-opencl.sh)");
            }
            ClCheck.check(code, "clGetPlatformIDs");
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return new Discovery(List.of(), "the OpenCL library could not be loaded (" + firstLine(e.getMessage())
                    + "); install an ICD loader with libOpenCL.so, see tools/setup-opencl.sh");
        } catch (ClException e) {
            return new Discovery(List.of(), e.getMessage());
        }
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        ClCheck.check(clGetPlatformIDs(platforms.length, platforms, null), "clGetPlatformIDs");
        List<ClDeviceInfo> devices = new ArrayList<>();
        for (cl_platform_id platform : platforms) {
            String platformName = platformString(platform, CL_PLATFORM_NAME);
            int[] n = new int[1];
            int code = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, n);
            if (code == CL_DEVICE_NOT_FOUND || n[0] == 0) {
                continue;
            }
            ClCheck.check(code, "clGetDeviceIDs");
            cl_device_id[] ids = new cl_device_id[n[0]];
            ClCheck.check(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids.length, ids, null), "clGetDeviceIDs");
            for (cl_device_id id : ids) {
                devices.add(describe(devices.size(), platform, platformName, id));
            }
        }
        if (devices.isEmpty()) {
            return new Discovery(List.of(), "OpenCL platforms exist but none has a device");
        }
        return new Discovery(List.copyOf(devices), null);
    }

    private static ClDeviceInfo describe(int index, cl_platform_id platform, String platformName, cl_device_id id) {
        long type = deviceLong(id, CL_DEVICE_TYPE);
        String typeName = (type & CL_DEVICE_TYPE_GPU) != 0 ? "GPU"
                : (type & CL_DEVICE_TYPE_CPU) != 0 ? "CPU"
                : (type & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "ACCELERATOR" : "OTHER";
        long fpConfig = deviceLong(id, CL_DEVICE_SINGLE_FP_CONFIG);
        return new ClDeviceInfo(index, platformName, deviceString(id, CL_DEVICE_NAME).trim(),
                deviceString(id, CL_DEVICE_VENDOR).trim(), typeName,
                deviceInt(id, CL_DEVICE_MAX_COMPUTE_UNITS), deviceInt(id, CL_DEVICE_MAX_CLOCK_FREQUENCY),
                deviceLong(id, CL_DEVICE_GLOBAL_MEM_SIZE), deviceLong(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                deviceLong(id, CL_DEVICE_LOCAL_MEM_SIZE), deviceSize(id, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                deviceString(id, CL_DEVICE_OPENCL_C_VERSION).trim(), deviceString(id, CL_DRIVER_VERSION).trim(),
                (fpConfig & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0, deviceInt(id, CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT),
                PciBus.read(id, deviceString(id, CL_DEVICE_EXTENSIONS)), platform, id);
    }

    static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        ClCheck.check(clGetPlatformInfo(platform, param, 0, null, size), "clGetPlatformInfo");
        byte[] bytes = new byte[(int) size[0]];
        ClCheck.check(clGetPlatformInfo(platform, param, bytes.length, Pointer.to(bytes), null), "clGetPlatformInfo");
        return cString(bytes);
    }

    static String deviceString(cl_device_id device, int param) {
        long[] size = new long[1];
        ClCheck.check(clGetDeviceInfo(device, param, 0, null, size), "clGetDeviceInfo");
        byte[] bytes = new byte[(int) size[0]];
        ClCheck.check(clGetDeviceInfo(device, param, bytes.length, Pointer.to(bytes), null), "clGetDeviceInfo");
        return cString(bytes);
    }

    private static int deviceInt(cl_device_id device, int param) {
        int[] v = new int[1];
        ClCheck.check(clGetDeviceInfo(device, param, Sizeof.cl_uint, Pointer.to(v), null), "clGetDeviceInfo");
        return v[0];
    }

    private static long deviceLong(cl_device_id device, int param) {
        long[] v = new long[1];
        ClCheck.check(clGetDeviceInfo(device, param, Sizeof.cl_ulong, Pointer.to(v), null), "clGetDeviceInfo");
        return v[0];
    }

    private static long deviceSize(cl_device_id device, int param) {
        long[] v = new long[1];
        ClCheck.check(clGetDeviceInfo(device, param, Sizeof.size_t, Pointer.to(v), null), "clGetDeviceInfo");
        return v[0];
    }

    static String cString(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
