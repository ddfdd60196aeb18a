package org.latentcl.opencl;

import static org.jocl.CL.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds programs from the {@code kernels/*.cl} sources on the classpath, once per source file
 * and build options, and hands out their kernels. Built binaries are cached on disk by
 * {@link BinaryCache}, so later runs skip the compiler.
 */
public final class KernelLibrary {
    private static final Logger log = LoggerFactory.getLogger(KernelLibrary.class);
    /** Every build asks for OpenCL C 1.2, the version every vendor ships. */
    public static final String BASE_OPTIONS = "-cl-std=CL1.2";
    /**
     * Added on a simulator: LLVM's optimizer emits instructions (freeze) and patterns that Oclgrind
     * 21.10's uninitialized-value checker cannot follow (it stops with "Unsupported instruction:
     * freeze", or crashes the process); unoptimized code is also closer to the source it reports on.
     */
    public static final String SIMULATOR_OPTIONS = "-cl-opt-disable";
    /** Prepended to every kernel file. */
    public static final String COMMON = "common.cl";

    private final ClContext ctx;
    private final BinaryCache cache = BinaryCache.fromEnvironment();
    private final Map<String, cl_program> programs = new HashMap<>();
    /** file -> defines -> function -> kernel: looked up with the caller's strings, no key built per launch. */
    private final Map<String, Map<String, Map<String, Kernel>>> kernels = new HashMap<>();
    private int builtFromSource;
    private int loadedFromCache;

    /**
     * A kernel object, the name it was built under (file:function [defines]), and the arguments it
     * was last launched with, so that unchanged ones are not set again.
     */
    public static final class Kernel {
        private final String name;
        private final cl_kernel handle;
        final Object[] lastArgs = new Object[32];

        Kernel(String name, cl_kernel handle) {
            this.name = name;
            this.handle = handle;
        }

        public String name() {
            return name;
        }

        public cl_kernel handle() {
            return handle;
        }
    }

    KernelLibrary(ClContext ctx) {
        this.ctx = ctx;
    }

    /** The kernel {@code function} from {@code file} built with {@code defines} (e.g. "-DTM=8"). */
    public Kernel kernel(String file, String defines, String function) {
        Map<String, Kernel> byFunction = kernels.computeIfAbsent(file, f -> new HashMap<>())
                .computeIfAbsent(defines, d -> new HashMap<>());
        Kernel k = byFunction.get(function);
        if (k == null) {
            cl_program program = programs.computeIfAbsent(file + "|" + defines, key -> build(file, defines));
            int[] err = new int[1];
            cl_kernel handle = clCreateKernel(program, function, err);
            ClCheck.check(err[0], "clCreateKernel(" + function + ") from " + file);
            String shown = defines.replace("-D", "").replace("-cl-fp32-correctly-rounded-divide-sqrt", "").trim();
            k = new Kernel(file.replace(".cl", "") + ":" + function + (shown.isEmpty() ? "" : " [" + shown + "]"), handle);
            byFunction.put(function, k);
        }
        return k;
    }

    /** Reads a kernel source file from the classpath. */
    public static String source(String file) {
        try (InputStream in = KernelLibrary.class.getResourceAsStream("/kernels/" + file)) {
            if (in == null) {
                throw new ClException("kernel source kernels/" + file + " is not on the classpath (is the jar complete?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ClException("cannot read kernel source kernels/" + file + ": " + e.getMessage(), e);
        }
    }

    private cl_program build(String file, String defines) {
        // common.cl (shared definitions) goes first; #line keeps build-log line numbers true to the file.
        String src = source(COMMON) + "\n#line 1 \"" + file + "\"\n" + source(file);
        String options = (BASE_OPTIONS + (ctx.device().isSimulator() ? " " + SIMULATOR_OPTIONS : "") + " " + defines).trim();
        ClDeviceInfo dev = ctx.device();
        String key = BinaryCache.key(dev.platformName(), dev.name(), dev.driverVersion(), options, src);
        byte[] binary = cache.load(key);
        if (binary != null) {
            cl_program fromBinary = tryBinary(binary, options);
            if (fromBinary != null) {
                log.debug("kernel {} [{}]: loaded from the binary cache", file, options);
                loadedFromCache++;
                return fromBinary;
            }
        }
        long t0 = System.nanoTime();
        int[] err = new int[1];
        cl_program program = clCreateProgramWithSource(ctx.context(), 1, new String[] {src}, null, err);
        ClCheck.check(err[0], "clCreateProgramWithSource(" + file + ")");
        int code = clBuildProgram(program, 1, new cl_device_id[] {dev.device()}, options, null, null);
        if (code != CL_SUCCESS) {
            String buildLog = buildLog(program);
            clReleaseProgram(program);
            throw new ClException("kernel build failed: kernels/" + file + " with options \"" + options + "\" on "
                    + dev.describe() + ": " + ClCheck.codeName(code) + "; build log: " + firstLines(buildLog, 6));
        }
        log.debug("kernel {} [{}]: built in {} ms", file, options, (System.nanoTime() - t0) / 1_000_000);
        builtFromSource++;
        byte[] built = programBinary(program);
        if (built != null) {
            cache.store(key, built);
        }
        return program;
    }

    private cl_program tryBinary(byte[] binary, String options) {
        int[] err = new int[1];
        int[] status = new int[1];
        cl_program program = clCreateProgramWithBinary(ctx.context(), 1, new cl_device_id[] {ctx.device().device()},
                new long[] {binary.length}, new byte[][] {binary}, status, err);
        if (err[0] != CL_SUCCESS || status[0] != CL_SUCCESS) {
            if (program != null && err[0] == CL_SUCCESS) {
                clReleaseProgram(program);
            }
            return null;
        }
        if (clBuildProgram(program, 1, new cl_device_id[] {ctx.device().device()}, options, null, null) != CL_SUCCESS) {
            clReleaseProgram(program);
            return null;
        }
        return program;
    }

    private static byte[] programBinary(cl_program program) {
        long[] sizes = new long[1];
        if (clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(sizes), null) != CL_SUCCESS
                || sizes[0] <= 0) {
            return null;
        }
        byte[] binary = new byte[(int) sizes[0]];
        Pointer binaries = Pointer.to(new Pointer[] {Pointer.to(binary)});
        if (clGetProgramInfo(program, CL_PROGRAM_BINARIES, Sizeof.POINTER, binaries, null) != CL_SUCCESS) {
            return null;
        }
        return binary;
    }

    private String buildLog(cl_program program) {
        long[] size = new long[1];
        cl_device_id dev = ctx.device().device();
        if (clGetProgramBuildInfo(program, dev, CL_PROGRAM_BUILD_LOG, 0, null, size) != CL_SUCCESS) {
            return "(no build log)";
        }
        byte[] bytes = new byte[(int) size[0]];
        clGetProgramBuildInfo(program, dev, CL_PROGRAM_BUILD_LOG, bytes.length, Pointer.to(bytes), null);
        String text = OpenCl.cString(bytes).trim();
        return text.isEmpty() ? "(empty build log)" : text;
    }

    private static String firstLines(String text, int n) {
        String[] lines = text.split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, lines.length); i++) {
            if (i > 0) {
                sb.append(" | ");
            }
            sb.append(lines[i].trim());
        }
        return sb.toString();
    }

    /** Programs this library compiled from source. */
    public int builtFromSource() {
        return builtFromSource;
    }

    /** Programs this library took from the on-disk binary cache. */
    public int loadedFromCache() {
        return loadedFromCache;
    }

    void release() {
        for (var byDefines : kernels.values()) {
            for (var byFunction : byDefines.values()) {
                for (Kernel k : byFunction.values()) {
                    clReleaseKernel(k.handle());
                }
            }
        }
        for (cl_program p : programs.values()) {
            clReleaseProgram(p);
        }
        kernels.clear();
        programs.clear();
    }
}
