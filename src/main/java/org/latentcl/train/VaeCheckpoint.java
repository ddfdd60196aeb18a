package org.latentcl.train;

import org.latentcl.model.ImageShape;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentcl.backend.Backend;
import org.latentcl.data.Decoder;
import org.latentcl.io.Json;
import org.latentcl.io.Safetensors;
import org.latentcl.model.VaeConfig;
import org.latentcl.model.VaeNetwork;

/**
 * A VAE's parameters in safetensors, named and shaped as PyTorch's nn.Linear has them
 * ({@code enc.0.weight} [out, in], {@code enc.0.bias} [out], ..., {@code mu.*}, {@code logvar.*},
 * {@code dec.0.*}, ...), with {@code model = vae} and the configuration as JSON in the metadata.
 */
public final class VaeCheckpoint {

    private VaeCheckpoint() {
    }

    /** The configuration as the JSON object stored in the metadata. */
    public static Map<String, Object> configMap(VaeConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", c.input());
        m.put("hidden", c.hidden());
        m.put("latent", c.latent());
        m.put("decoder", c.decoder().name().toLowerCase());
        m.put("sigma", (double) c.sigma());
        if (c.convolutional()) {
            m.put("arch", "conv");
            m.put("image", new int[] {c.image().channels(), c.image().height(), c.image().width()});
        }
        if (c.conditional()) {
            m.put("classes", c.classes());
        }
        return m;
    }

    public static void save(VaeNetwork vae, Path file, Map<String, String> extraMetadata) throws IOException {
        org.latentcl.io.AtomicFiles.write(file, encode(vae, extraMetadata));
    }

    /** The checkpoint's bytes, for writing it together with the run's other files. */
    static byte[] encode(VaeNetwork vae, Map<String, String> extraMetadata) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put(RunFiles.MODEL_KEY, "vae");
        meta.put(RunFiles.CONFIG_KEY, Json.write(configMap(vae.config())));
        meta.putAll(extraMetadata);
        return Safetensors.encode(meta, CheckpointFiles.entries(vae.parameters()));
    }

    /** Reads the configuration of a VAE checkpoint; rejects other models with a clear message. */
    public static VaeConfig config(Safetensors.Contents c, Path file) {
        Map<?, ?> m = CheckpointFiles.configOf(c, file, "vae");
        try {
            List<?> hidden = (List<?>) m.get("hidden");
            int[] h = new int[hidden.size()];
            for (int i = 0; i < h.length; i++) {
                h[i] = ((Double) hidden.get(i)).intValue();
            }
            ImageShape image = null;
            if ("conv".equals(m.get("arch"))) {
                List<?> shape = (List<?>) m.get("image");
                image = new ImageShape(((Double) shape.get(0)).intValue(), ((Double) shape.get(1)).intValue(),
                        ((Double) shape.get(2)).intValue());
            }
            int classes = m.get("classes") == null ? 0 : ((Double) m.get("classes")).intValue();
            return new VaeConfig(((Double) m.get("input")).intValue(), h, ((Double) m.get("latent")).intValue(),
                    Decoder.valueOf(((String) m.get("decoder")).toUpperCase()), ((Double) m.get("sigma")).floatValue(), image, classes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": the VAE configuration in the metadata is unreadable (" + e.getMessage() + ")");
        }
    }

    /** A VAE built from a checkpoint's configuration, with its parameters loaded, for batches of up to maxBatch rows. */
    public static VaeNetwork open(Backend be, Safetensors.Contents c, Path file, int maxBatch) {
        return CheckpointFiles.loadedOrClosed(new VaeNetwork(be, config(c, file), maxBatch), m -> load(m, c, file));
    }

    /**
     * Loads parameters into a VAE built from the same configuration; checks every name and shape. A
     * conditional checkpoint written before the class prior existed has no {@code prior.weight}: its
     * prior was N(0, I), which is the class prior with zero means.
     */
    public static void load(VaeNetwork vae, Safetensors.Contents c, Path file) {
        String prior = VaeNetwork.PRIOR + ".weight";
        if (vae.config().conditional() && !c.tensors().containsKey(prior)) {
            Map<String, Safetensors.Entry> tensors = new LinkedHashMap<>(c.tensors());
            int classes = vae.config().classes();
            int latent = vae.config().latent();
            tensors.put(prior, new Safetensors.Entry(prior, new int[] {classes, latent}, new float[classes * latent]));
            c = new Safetensors.Contents(c.metadata(), tensors);
        }
        CheckpointFiles.load(vae.parameters(), c, file);
    }
}
