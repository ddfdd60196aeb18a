package org.latentcl.train;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.io.Safetensors;
import org.latentcl.nn.Parameters;

/**
 * An exponential moving average of the generator's parameters (Yazıcı et al. 2019, "The unusual
 * effectiveness of averaging in GAN training"), kept on the generator's device: after the t-th generator
 * update, avg = beta_t avg + (1 - beta_t) theta with beta_t = min(decay, 0.5^(1 / (0.05 t))), the
 * start-up ramp of Karras et al. 2020 (StyleGAN2-ADA's ema_rampup = 0.05: the average's half-life, in
 * updates, is at most 5% of the updates so far, so early weights are forgotten fast). Samples, pictures and
 * the FID log come from the average; checkpoints hold it beside the trained generator as {@code ema.gen.*}.
 * Batch norm's running statistics stay the generator's own.
 */
final class GeneratorAverage implements AutoCloseable {
    /** What checkpoints put before the generator's own names for the averaged tensors. */
    static final String PREFIX = "ema.";
    /** StyleGAN2-ADA's ema_rampup. */
    static final double RAMP = 0.05;

    private final Backend be;
    private final Parameters generator;
    private final Parameters average;
    private final Tensor held;
    private final float decay;

    /** Starts the average at the generator's current parameters. */
    GeneratorAverage(Parameters generator, float decay) {
        if (!(decay > 0f && decay < 1f)) {
            throw new IllegalArgumentException("the generator average's decay must lie in (0, 1), got " + decay);
        }
        this.be = generator.backend();
        this.generator = generator;
        this.decay = decay;
        this.average = new Parameters(be, generator.specs().values().stream().map(s -> s.renamed(PREFIX + s.name())).toList());
        this.held = be.zeros(1, generator.size());
        Elementwise.copy(be, generator.values(), average.values());
    }

    /** beta after the t-th generator update (t from 1): the ramp until it reaches {@code decay}. */
    static double beta(float decay, long t) {
        return t <= 0 ? 0 : Math.min(decay, Math.pow(0.5, 1 / (RAMP * t)));
    }

    /** Moves the average towards the generator after its t-th update: avg += (1 - beta_t) (theta - avg). */
    void update(long t) {
        float b = (float) beta(decay, t);
        Elementwise.axpy(be, generator.values(), -1f, average.values(), held);
        Elementwise.axpy(be, average.values(), 1f - b, held, average.values());
    }

    /** What {@code sample} returns with the averaged parameters in the generator, which gets its own back afterwards. */
    <T> T sampling(Supplier<T> sample) {
        Elementwise.copy(be, generator.values(), held);
        Elementwise.copy(be, average.values(), generator.values());
        // Layers keep copies derived from the values (a Linear's transposed weight): both swaps must renew them.
        generator.changed();
        try {
            return sample.get();
        } finally {
            Elementwise.copy(be, held, generator.values());
            generator.changed();
        }
    }

    /** The averaged tensors as a checkpoint holds them ({@code ema.gen.0.weight}, ...). */
    List<Safetensors.Entry> entries() {
        return CheckpointFiles.entries(average);
    }

    /** The average a checkpoint saved (to resume a run exactly). */
    void load(Safetensors.Contents c, Path file) {
        CheckpointFiles.load(average, c, file);
    }

    /**
     * Puts the average a checkpoint holds into the generator (for sampling and evaluation); a checkpoint
     * without one leaves the generator as it is. A misshapen averaged tensor is an error naming the file.
     */
    static void useSaved(Parameters generator, Safetensors.Contents c, Path file) {
        if (generator.specs().keySet().stream().noneMatch(name -> c.tensors().containsKey(PREFIX + name))) {
            return;
        }
        java.util.Map<String, float[]> byName = new java.util.LinkedHashMap<>();
        for (var s : generator.specs().values()) {
            Safetensors.Entry e = c.tensors().get(PREFIX + s.name());
            if (e == null) {
                throw new IllegalArgumentException(file + ": tensor " + PREFIX + s.name() + " is missing (the checkpoint has part of a generator average)");
            }
            if (e.data().length != s.size()) {
                throw new IllegalArgumentException(file + ": tensor " + PREFIX + s.name() + " has " + e.data().length + " values, expected " + s.size());
            }
            byName.put(s.name(), e.data());
        }
        generator.load(byName);
    }

    @Override
    public void close() {
        average.close();
        held.close();
    }
}
