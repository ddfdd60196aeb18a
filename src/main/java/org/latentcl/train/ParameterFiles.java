package org.latentcl.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentcl.nn.ParamSpec;
import org.latentcl.nn.Parameters;

/** Parameters to and from safetensors entries, in PyTorch's shapes (weights [out, in], biases [out]). */
final class ParameterFiles {
    private ParameterFiles() {
    }

    static List<Safetensors.Entry> entries(Parameters p) {
        Map<String, float[]> values = p.toHost();
        List<Safetensors.Entry> entries = new ArrayList<>();
        for (ParamSpec s : p.specs().values()) {
            int[] shape = s.name().endsWith(".bias") ? new int[] {s.cols()} : new int[] {s.rows(), s.cols()};
            entries.add(new Safetensors.Entry(s.name(), shape, values.get(s.name())));
        }
        return entries;
    }

    /** Loads every parameter of p from the file's tensors, checking that each exists with the right size. */
    static void load(Parameters p, Safetensors.Contents c, Path file) {
        Map<String, float[]> byName = new LinkedHashMap<>();
        for (ParamSpec s : p.specs().values()) {
            Safetensors.Entry e = c.tensors().get(s.name());
            if (e == null) {
                throw new IllegalArgumentException(file + ": tensor " + s.name() + " is missing");
            }
            if (e.data().length != s.size()) {
                throw new IllegalArgumentException(file + ": tensor " + s.name() + " has shape " + java.util.Arrays.toString(e.shape())
                        + ", but the configuration needs " + s.rows() + "x" + s.cols());
            }
            byName.put(s.name(), e.data());
        }
        p.load(byName);
    }
}
