package org.latentcl.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentcl.backend.Backend;
import org.latentcl.io.Json;
import org.latentcl.io.Safetensors;
import org.latentcl.model.GanConfig;
import org.latentcl.model.GanNetwork;

/**
 * A GAN's parameters in safetensors: {@code gen.0.weight} [out, in], {@code gen.0.bias}, ...,
 * {@code disc.0.weight}, ... (PyTorch's nn.Linear layout), with {@code model = gan} and the
 * configuration as JSON in the metadata.
 */
public final class GanCheckpoint {
    private GanCheckpoint() {
    }

    public static Map<String, Object> configMap(GanConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", c.data());
        m.put("noise", c.noise());
        m.put("gen_hidden", c.genHidden());
        m.put("disc_hidden", c.discHidden());
        m.put("output", c.sigmoidOutput() ? "sigmoid" : "linear");
        m.put("loss", c.loss().name().toLowerCase());
        m.put("slope", (double) GanConfig.SLOPE);
        return m;
    }

    public static void save(GanNetwork gan, Path file, Map<String, String> extraMetadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put(VaeCheckpoint.MODEL_KEY, "gan");
        meta.put(VaeCheckpoint.CONFIG_KEY, Json.write(configMap(gan.config())));
        meta.putAll(extraMetadata);
        List<Safetensors.Entry> entries = new ArrayList<>();
        entries.addAll(CheckpointFiles.entries(gan.generatorParameters()));
        entries.addAll(CheckpointFiles.entries(gan.discriminatorParameters()));
        Safetensors.write(file, meta, entries);
    }

    /** A GAN built from a checkpoint's configuration, with its parameters loaded, for batches of up to maxBatch rows. */
    public static GanNetwork open(Backend be, Safetensors.Contents c, Path file, int maxBatch) {
        return CheckpointFiles.loadedOrClosed(new GanNetwork(be, config(c, file), maxBatch), m -> load(m, c, file));
    }

    /** The configuration of a GAN checkpoint; rejects other models with a clear message. */
    public static GanConfig config(Safetensors.Contents c, Path file) {
        Map<?, ?> m = CheckpointFiles.configOf(c, file, "gan");
        try {
            return new GanConfig(((Double) m.get("data")).intValue(), ((Double) m.get("noise")).intValue(), ints(m.get("gen_hidden")),
                    ints(m.get("disc_hidden")), "sigmoid".equals(m.get("output")),
                    GanConfig.Loss.valueOf(((String) m.get("loss")).toUpperCase()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": the GAN configuration in the metadata is unreadable (" + e.getMessage() + ")");
        }
    }

    private static int[] ints(Object list) {
        List<?> l = (List<?>) list;
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Double) l.get(i)).intValue();
        }
        return out;
    }

    /** Loads both networks into a GAN built from the same configuration; checks every name and shape. */
    public static void load(GanNetwork gan, Safetensors.Contents c, Path file) {
        CheckpointFiles.load(gan.generatorParameters(), c, file);
        CheckpointFiles.load(gan.discriminatorParameters(), c, file);
    }
}
