package org.latentcl.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The layers of the design (README's "How it is built"): cli, then the public API (org.latentcl),
 * train, metrics, model, nn, backend (its ops above its core), opencl; data and io beneath them all.
 * Dependencies point down only, and no package depends on itself through others.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.latentcl");

    @Test
    void dependenciesPointDownTheLayers() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("org.latentcl.cli..")
                .layer("api").definedBy("org.latentcl")
                .layer("train").definedBy("org.latentcl.train..")
                .layer("metrics").definedBy("org.latentcl.metrics..")
                .layer("model").definedBy("org.latentcl.model..")
                .layer("nn").definedBy("org.latentcl.nn..")
                .layer("ops").definedBy("org.latentcl.backend.ops..")
                .layer("backend").definedBy("org.latentcl.backend")
                .layer("opencl").definedBy("org.latentcl.opencl..")
                .layer("data").definedBy("org.latentcl.data..")
                .layer("io").definedBy("org.latentcl.io..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("api").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("train").mayOnlyBeAccessedByLayers("cli", "api")
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("cli", "api", "train")
                .whereLayer("model").mayOnlyBeAccessedByLayers("cli", "api", "train", "metrics")
                .whereLayer("nn").mayOnlyBeAccessedByLayers("cli", "api", "train", "metrics", "model")
                .whereLayer("ops").mayOnlyBeAccessedByLayers("cli", "api", "train", "metrics", "model", "nn")
                .whereLayer("backend").mayOnlyBeAccessedByLayers("cli", "api", "train", "metrics", "model", "nn", "ops")
                .whereLayer("opencl").mayOnlyBeAccessedByLayers("cli", "api", "train", "metrics", "model", "nn", "ops", "backend")
                .whereLayer("data").mayOnlyBeAccessedByLayers("cli", "api", "train", "metrics", "model", "nn", "ops", "backend")
                .whereLayer("io").mayOnlyBeAccessedByLayers("cli", "api", "train", "metrics", "model", "nn", "ops", "backend", "data")
                .check(MAIN);
    }

    @Test
    void thePackagesAreFreeOfCycles() {
        slices().matching("org.latentcl.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void noTwoMainClassesShareASimpleName() {
        Map<String, String> seen = new HashMap<>();
        StringBuilder clashes = new StringBuilder();
        for (JavaClass c : MAIN) {
            if (c.isNestedClass() || c.isAnonymousClass() || c.getSimpleName().equals("package-info")) {
                continue;
            }
            String before = seen.put(c.getSimpleName(), c.getName());
            if (before != null) {
                clashes.append(before).append(" and ").append(c.getName()).append("; ");
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals("", clashes.toString(), "classes with the same simple name");
    }
}
