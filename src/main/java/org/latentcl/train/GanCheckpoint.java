package org.latentcl.train;

import org.latentcl.model.ImageShape;

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
 * {@code disc.0.weight}, ... (PyTorch's nn.Linear layout; for the DCGAN its convolutions' and batch
 * norms' weights and batch norm's buffers), with {@code model = gan} and the configuration as JSON in
 * the metadata ({@code arch = dcgan} and the image shape for the DCGAN). A run with a generator
 * average adds it as {@code ema.gen.0.weight}, ... ({@link GeneratorAverage}).
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
        if (c.convolutional()) {
            m.put("arch", "dcgan");
            m.put("image", new int[] {c.image().channels(), c.image().height(), c.image().width()});
        }
        m.put("spectral_norm", c.disc().spectralNorm());
        m.put("pack", c.disc().pack());
        m.put("minibatch_std", c.disc().minibatchStd());
        // Written only when dropped, so that the checkpoints of other runs keep their bytes.
        if (!c.disc().batchNorm()) {
            m.put("disc_batch_norm", false);
        }
        if (c.genBatchNorm()) {
            m.put("gen_batch_norm", true);
        }
        if (c.disc().maxout() > 1) {
            m.put("disc_maxout", c.disc().maxout());
        }
        if (c.standardized()) {
            m.put("standardized", true);
        }
        if (c.residual()) {
            m.put("gen_residual", true);
        }
        if (c.conditional()) {
            m.put("classes", c.classes());
            m.put("conditioning", c.concatenated() ? "concat" : "projection");
            if (c.auxClassifier()) {
                m.put("aux_weight", (double) c.auxWeight());
            }
        }
        return m;
    }

    public static void save(GanNetwork gan, Path file, Map<String, String> extraMetadata) throws IOException {
        org.latentcl.io.AtomicFiles.write(file, encode(gan, extraMetadata));
    }

    /** The checkpoint's bytes, for writing it together with the run's other files. */
    static byte[] encode(GanNetwork gan, Map<String, String> extraMetadata) {
        return encode(gan, extraMetadata, List.of());
    }

    /** As above, with more tensors after the networks' (the generator average's). */
    static byte[] encode(GanNetwork gan, Map<String, String> extraMetadata, List<Safetensors.Entry> more) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put(RunFiles.MODEL_KEY, "gan");
        meta.put(RunFiles.CONFIG_KEY, Json.write(configMap(gan.config())));
        meta.putAll(extraMetadata);
        List<Safetensors.Entry> entries = new ArrayList<>();
        entries.addAll(CheckpointFiles.entries(gan.generatorParameters()));
        entries.addAll(CheckpointFiles.bufferEntries(gan.generatorBuffers()));
        entries.addAll(CheckpointFiles.entries(gan.discriminatorParameters()));
        entries.addAll(CheckpointFiles.bufferEntries(gan.discriminatorBuffers()));
        entries.addAll(more);
        return Safetensors.encode(meta, entries);
    }

    /**
     * A GAN built from a checkpoint's configuration, with its parameters loaded, for batches of up to maxBatch rows,
     * to sample and evaluate: its generator is the average where the checkpoint holds one.
     */
    public static GanNetwork open(Backend be, Safetensors.Contents c, Path file, int maxBatch) {
        return CheckpointFiles.loadedOrClosed(new GanNetwork(be, config(c, file), maxBatch), m -> loadForSampling(m, c, file));
    }

    /** Loads both networks (see {@link #load}), then the generator average over the generator where the checkpoint has one. */
    public static void loadForSampling(GanNetwork gan, Safetensors.Contents c, Path file) {
        load(gan, c, file);
        GeneratorAverage.useSaved(gan.generatorParameters(), c, file);
    }

    /**
     * Loads both networks, then, with {@code average}, the generator average over the generator; without, the generator
     * stays the trained one. Asking for an average the checkpoint does not hold is an error naming the file.
     */
    public static void loadForSampling(GanNetwork gan, Safetensors.Contents c, Path file, boolean average) {
        if (average && !hasGeneratorAverage(c)) {
            throw new IllegalArgumentException(file + ": holds no generator average (the run was trained without --g-ema)");
        }
        load(gan, c, file);
        if (average) {
            GeneratorAverage.useSaved(gan.generatorParameters(), c, file);
        }
    }

    /** Whether a checkpoint holds a generator average (tensors named {@code ema.gen.*}). */
    public static boolean hasGeneratorAverage(Safetensors.Contents c) {
        return c.tensors().keySet().stream().anyMatch(name -> name.startsWith(GeneratorAverage.PREFIX));
    }

    /** The configuration of a GAN checkpoint; rejects other models with a clear message. */
    public static GanConfig config(Safetensors.Contents c, Path file) {
        Map<?, ?> m = CheckpointFiles.configOf(c, file, "gan");
        try {
            GanConfig.Loss loss = GanConfig.Loss.valueOf(((String) m.get("loss")).toUpperCase());
            // Checkpoints from before the stabilizers have none.
            GanConfig.Stabilizers disc = new GanConfig.Stabilizers(Boolean.TRUE.equals(m.get("spectral_norm")),
                    m.get("pack") == null ? 1 : ((Double) m.get("pack")).intValue(), Boolean.TRUE.equals(m.get("minibatch_std")),
                    !Boolean.FALSE.equals(m.get("disc_batch_norm")), m.get("disc_maxout") == null ? 1 : ((Double) m.get("disc_maxout")).intValue());
            int classes = m.get("classes") == null ? 0 : ((Double) m.get("classes")).intValue();
            float aux = m.get("aux_weight") == null ? 0f : ((Double) m.get("aux_weight")).floatValue();
            if ("dcgan".equals(m.get("arch"))) {
                int[] image = ints(m.get("image"));
                return GanConfig.dcgan(new ImageShape(image[0], image[1], image[2]), ((Double) m.get("noise")).intValue(),
                        ints(m.get("gen_hidden"))[0], ints(m.get("disc_hidden"))[0], loss).with(disc).conditional(classes)
                        .withAuxClassifier(aux);
            }
            GanConfig mlp = new GanConfig(((Double) m.get("data")).intValue(), ((Double) m.get("noise")).intValue(), ints(m.get("gen_hidden")),
                    ints(m.get("disc_hidden")), "sigmoid".equals(m.get("output")), loss).withGeneratorBatchNorm(Boolean.TRUE.equals(m.get("gen_batch_norm")))
                    .with(disc).conditional(classes).withScaling(Boolean.TRUE.equals(m.get("standardized")), Boolean.TRUE.equals(m.get("gen_residual")));
            return "concat".equals(m.get("conditioning")) ? mlp.concatenatingClasses() : mlp.withAuxClassifier(aux);
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
        CheckpointFiles.loadBuffers(gan.buffers(), c, file);
    }
}
