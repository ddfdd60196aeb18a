package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.KernelBinding;

/**
 * The op layer's bookkeeping, checked without a device: every kernel binding matches its kernel's
 * signature, every kernel in kernels/ is bound, every operation module's specs are registered, and
 * docs/BACKEND.md's op table is the registry's.
 */
class OpRegistryTest {
    /** Every class of the ops package, from the compiled classes. */
    static List<Class<?>> opClasses() throws IOException {
        Path dir = Path.of("target/classes/org/latentcl/backend/ops");
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$") && !name.equals("package-info.class")) {
                    try {
                        out.add(Class.forName("org.latentcl.backend.ops." + name.replace(".class", "")));
                    } catch (ClassNotFoundException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        return out;
    }

    private static <T> List<T> staticFields(Class<?> c, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Field f : c.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && type.isAssignableFrom(f.getType())) {
                f.setAccessible(true);
                try {
                    out.add(type.cast(f.get(null)));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    @Test
    void everyKernelBindingMatchesItsKernelsSignature() throws IOException {
        int checked = 0;
        for (Class<?> c : opClasses()) {
            for (KernelBinding<?> b : staticFields(c, KernelBinding.class)) {
                b.verify();
                checked++;
            }
        }
        assertTrue(checked >= 20, "bindings found: " + checked);
    }

    record RacyArgs(org.latentcl.backend.Tensor out) {
    }

    record MisnamedArgs(org.latentcl.backend.Tensor output) {
    }

    record LongerArgs(org.latentcl.backend.Tensor out, int n) {
    }

    @Test
    void aBindingThatDiffersFromItsKernelIsRefusedNamingTheParameter() {
        KernelBinding.of("racy.cl", "racy", RacyArgs.class).verify();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> KernelBinding.of("racy.cl", "racy", MisnamedArgs.class).verify());
        assertTrue(e.getMessage().contains("parameter 1 is 'float* out', but MisnamedArgs gives 'float* output'"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> KernelBinding.of("racy.cl", "racy", LongerArgs.class).verify());
        assertTrue(e.getMessage().contains("takes 2 parameters, but LongerArgs gives 3"), e.getMessage());
    }

    @Test
    void everyKernelInTheSourcesIsBoundByAnOperation() throws IOException {
        Set<String> bound = new HashSet<>();
        for (Class<?> c : opClasses()) {
            for (KernelBinding<?> b : staticFields(c, KernelBinding.class)) {
                bound.add(b.file() + ":" + b.function());
            }
        }
        for (KernelBinding<?> b : staticFields(Reduction.class, KernelBinding.class)) {
            bound.add(b.file() + ":" + b.function());
        }
        Set<String> declared = new TreeSet<>();
        Pattern kernel = Pattern.compile("__kernel\\b[^;{}]*?\\bvoid\\s+(\\w+)\\s*\\(", Pattern.DOTALL);
        try (Stream<Path> files = Files.list(Path.of("kernels"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cl")).toList()) {
                Matcher m = kernel.matcher(Files.readString(f, StandardCharsets.UTF_8).replaceAll("//[^\n]*", ""));
                while (m.find()) {
                    declared.add(f.getFileName() + ":" + m.group(1));
                }
            }
        }
        declared.removeAll(bound);
        assertEquals(Set.of(), declared, "kernels that no operation binds");
    }

    @Test
    void everyOperationModuleIsRegistered() throws IOException {
        Set<OpSpec> registered = new HashSet<>(Ops.ALL);
        for (Class<?> c : opClasses()) {
            for (OpSpec s : staticFields(c, OpSpec.class)) {
                assertTrue(registered.contains(s), c.getSimpleName() + "'s " + s.name() + " is not in Ops.ALL");
            }
        }
        assertEquals(Ops.ALL.size(), Ops.ALL.stream().map(OpSpec::name).distinct().count(), "operation names must be unique");
    }

    @Test
    void theDocsOpTableIsTheRegistry() throws IOException {
        String docs = Files.readString(Path.of("docs/BACKEND.md"), StandardCharsets.UTF_8);
        String table = OpTable.markdown();
        assertTrue(docs.contains(table), "docs/BACKEND.md's op table differs from the registry; replace it with:\n" + table);
    }
}
