package org.latentcl.backend;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latentcl.opencl.ClBuffer;
import org.latentcl.opencl.KernelLibrary;
import org.latentcl.opencl.LocalMemory;

/**
 * The typed binding of one OpenCL kernel's arguments: a record whose components are the kernel's
 * parameters, by name and in order. A {@link Tensor} component {@code x} stands for the two
 * parameters {@code __global float* x, const int xOff}; {@code int}, {@code float}, {@code long}
 * and {@code boolean} (passed as 0 or 1) stand for scalars of those types; {@link ClBuffer} for a
 * bare {@code __global float*}; {@link LocalMemory} for a {@code __local} pointer. Names match
 * with underscores and case ignored ({@code hasBias} is {@code has_bias}).
 *
 * <p>{@link #verify} checks the record against the kernel's signature in its {@code .cl} source,
 * once per binding, before the first launch (and in a test, for every binding, without a device),
 * so an argument list cannot drift from its kernel.
 *
 * @param <A> the argument record
 */
public final class KernelBinding<A extends Record> {
    private final String file;
    private final String function;
    private final Class<A> type;
    private final MethodHandle[] getters;
    private final Class<?>[] types;
    private final String[] names;
    private final int arity;
    private volatile boolean verified;

    private KernelBinding(String file, String function, Class<A> type) {
        this.file = file;
        this.function = function;
        this.type = type;
        RecordComponent[] parts = type.getRecordComponents();
        getters = new MethodHandle[parts.length];
        types = new Class<?>[parts.length];
        names = new String[parts.length];
        int count = 0;
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (int i = 0; i < parts.length; i++) {
            try {
                parts[i].getAccessor().setAccessible(true);
                // Typed (Object)Object so that each launch reads a component with invokeExact, without the generic path.
                getters[i] = lookup.unreflect(parts[i].getAccessor()).asType(MethodType.methodType(Object.class, Object.class));
            } catch (IllegalAccessException | RuntimeException e) {
                throw new IllegalStateException("kernel binding " + type.getName() + ": cannot read component " + parts[i].getName(), e);
            }
            types[i] = parts[i].getType();
            names[i] = parts[i].getName();
            count += types[i] == Tensor.class ? 2 : 1;
        }
        this.arity = count;
    }

    /** The binding of {@code function} in {@code kernels/FILE} to the argument record {@code type}. */
    public static <A extends Record> KernelBinding<A> of(String file, String function, Class<A> type) {
        return new KernelBinding<>(file, function, type);
    }

    public String file() {
        return file;
    }

    public String function() {
        return function;
    }

    /** The kernel's arguments in launch order: tensors expand to their buffer and element offset. */
    Object[] values(A args) {
        if (!verified) {
            verify();
        }
        Object[] out = new Object[arity];
        int k = 0;
        for (int i = 0; i < getters.length; i++) {
            Object v;
            try {
                v = (Object) getters[i].invokeExact((Object) args);
            } catch (Throwable e) {
                throw new IllegalStateException("kernel " + function + ": reading argument " + names[i], e);
            }
            if (v instanceof Tensor t) {
                out[k++] = t.storage();
                out[k++] = (int) t.offset();
            } else if (v instanceof Boolean b) {
                out[k++] = b ? 1 : 0;
            } else if (v == null) {
                throw new IllegalArgumentException("kernel " + function + ": argument " + names[i] + " is null");
            } else {
                out[k++] = v;
            }
        }
        return out;
    }

    /** Checks the record against the kernel's parameters in its source; throws naming the first mismatch. */
    public void verify() {
        List<String[]> params = parameters(KernelLibrary.source(file), function);
        List<String> want = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            Class<?> t = types[i];
            if (t == Tensor.class) {
                want.add("float* " + names[i]);
                want.add("int " + names[i] + "Off");
            } else if (t == ClBuffer.class) {
                want.add("float* " + names[i]);
            } else if (t == LocalMemory.class) {
                want.add("local* " + names[i]);
            } else if (t == int.class || t == boolean.class) {
                want.add("int " + names[i]);
            } else if (t == float.class) {
                want.add("float " + names[i]);
            } else if (t == long.class) {
                want.add("long " + names[i]);
            } else {
                throw new IllegalStateException("kernel binding " + type.getSimpleName() + ": component " + names[i]
                        + " has type " + t.getSimpleName() + ", which no kernel parameter takes");
            }
        }
        if (want.size() != params.size()) {
            throw new IllegalStateException("kernel " + file + ":" + function + " takes " + params.size() + " parameters, but "
                    + type.getSimpleName() + " gives " + want.size() + " (" + String.join(", ", want) + ")");
        }
        for (int i = 0; i < want.size(); i++) {
            String[] p = params.get(i);
            String[] w = want.get(i).split(" ");
            if (!p[0].equals(w[0]) || !normal(p[1]).equals(normal(w[1]))) {
                throw new IllegalStateException("kernel " + file + ":" + function + " parameter " + (i + 1) + " is '" + p[0] + " " + p[1]
                        + "', but " + type.getSimpleName() + " gives '" + want.get(i) + "'");
            }
        }
        verified = true;
    }

    private static String normal(String name) {
        return name.replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static final Pattern PARAM = Pattern.compile("^(.*?)(\\w+)$");

    /** The parameters of {@code function} in {@code source} as (kind, name): kind is int, float, long, float* or local*. */
    static List<String[]> parameters(String source, String function) {
        Matcher m = Pattern.compile("__kernel\\b[^;{}]*?\\bvoid\\s+" + Pattern.quote(function) + "\\s*\\(([^)]*)\\)", Pattern.DOTALL)
                .matcher(source.replaceAll("//[^\n]*", ""));
        if (!m.find()) {
            throw new IllegalStateException("kernel " + function + " not found in its source");
        }
        List<String[]> out = new ArrayList<>();
        for (String raw : m.group(1).split(",")) {
            String p = raw.trim().replaceAll("\\s+", " ");
            Matcher pm = PARAM.matcher(p);
            if (!pm.matches()) {
                throw new IllegalStateException("kernel " + function + ": cannot read parameter '" + p + "'");
            }
            String decl = pm.group(1);
            String kind;
            if (decl.contains("__local")) {
                kind = "local*";
            } else if (decl.contains("*")) {
                kind = decl.contains("float") ? "float*" : "?*";
            } else if (decl.matches(".*\\b(u?long)\\b.*")) {
                kind = "long";
            } else if (decl.matches(".*\\b(u?int)\\b.*")) {
                kind = "int";
            } else if (decl.matches(".*\\bfloat\\b.*")) {
                kind = "float";
            } else {
                kind = decl.trim();
            }
            out.add(new String[] {kind, pm.group(2)});
        }
        return out;
    }
}
