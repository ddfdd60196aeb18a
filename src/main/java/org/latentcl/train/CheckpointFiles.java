package org.latentcl.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentcl.io.Json;
import org.latentcl.io.Safetensors;
import org.latentcl.nn.Buffer;
import org.latentcl.nn.ParamSpec;
import org.latentcl.nn.Parameters;

/**
 * What VAE and GAN checkpoints share: the check of the model and its configuration, and parameters
 * to and from safetensors entries in PyTorch's shapes (ParamSpec.shape: linear weights [out, in],
 * convolution weights [out, in, kh, kw], transposed ones [in, out, kh, kw], biases [out]).
 */
final class CheckpointFiles {
    private CheckpointFiles() {
    }

    /** The model after {@code load}; if loading fails, its device memory is released before the error goes on. */
    static <M extends AutoCloseable> M loadedOrClosed(M model, java.util.function.Consumer<M> load) {
        try {
            load.accept(model);
            return model;
        } catch (RuntimeException e) {
            try {
                model.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * The configuration object of a checkpoint of the given model ("vae" or "gan"), or an
     * {@link IllegalArgumentException} naming the file and what is wrong (not ours, another model,
     * no or unparseable configuration).
     */
    static Map<?, ?> configOf(Safetensors.Contents c, Path file, String model) {
        String found = c.metadata().get(RunFiles.MODEL_KEY);
        String name = model.toUpperCase(java.util.Locale.ROOT);
        if (found == null) {
            throw new IllegalArgumentException(file + ": not a LatentCL checkpoint (no 'model' in the safetensors metadata)");
        }
        if (!found.equals(model)) {
            throw new IllegalArgumentException(file + ": is a " + found + " checkpoint, but a " + name + " checkpoint is needed");
        }
        String config = c.metadata().get(RunFiles.CONFIG_KEY);
        if (config == null) {
            throw new IllegalArgumentException(file + ": the " + name + " checkpoint has no 'config' in its metadata");
        }
        try {
            return (Map<?, ?>) Json.parse(config);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": the " + name + " configuration in the metadata is unreadable (" + e.getMessage() + ")");
        }
    }

    static List<Safetensors.Entry> entries(Parameters p) {
        Map<String, float[]> values = p.toHost();
        List<Safetensors.Entry> entries = new ArrayList<>();
        for (ParamSpec s : p.specs().values()) {
            entries.add(new Safetensors.Entry(s.name(), s.shape(), values.get(s.name())));
        }
        return entries;
    }

    /**
     * Buffers as PyTorch's state_dict has them, each in its own shape (batch norm's running_mean
     * [C], running_var [C] and num_batches_tracked, an int64 scalar; spectral normalization's u and v).
     */
    static List<Safetensors.Entry> bufferEntries(List<Buffer> buffers) {
        List<Safetensors.Entry> entries = new ArrayList<>();
        for (Buffer b : buffers) {
            entries.add(b.integer() ? new Safetensors.Entry(b.name(), "I64", b.shape(), b.read())
                    : new Safetensors.Entry(b.name(), b.shape(), b.read()));
        }
        return entries;
    }

    /** Loads buffers (see {@link #bufferEntries}); a missing or misshapen one is an error naming the file. */
    static void loadBuffers(List<Buffer> buffers, Safetensors.Contents c, Path file) {
        for (Buffer b : buffers) {
            Safetensors.Entry e = c.tensors().get(b.name());
            if (e == null) {
                throw new IllegalArgumentException(file + ": tensor " + b.name() + " is missing");
            }
            if (e.data().length != b.size()) {
                throw new IllegalArgumentException(file + ": tensor " + b.name() + " has " + e.data().length + " values, expected " + b.size());
            }
        }
        for (Buffer b : buffers) {
            b.write(c.tensors().get(b.name()).data());
        }
    }

    /** Loads every parameter of p from the file's tensors, checking that each exists with the right size. */
    static void load(Parameters p, Safetensors.Contents c, Path file) {
        Map<String, float[]> byName = new LinkedHashMap<>();
        for (ParamSpec s : p.specs().values()) {
            Safetensors.Entry e = c.tensors().get(s.name());
            if (e == null) {
                throw new IllegalArgumentException(file + ": tensor " + s.name() + " is missing");
            }
            if (e.data().length != s.size() || !java.util.Arrays.equals(e.shape(), s.shape())) {
                throw new IllegalArgumentException(file + ": tensor " + s.name() + " has shape " + java.util.Arrays.toString(e.shape())
                        + ", but the configuration needs " + s.shapeText());
            }
            byName.put(s.name(), e.data());
        }
        p.load(byName);
    }

    /**
     * Refuses to resume from a checkpoint and a training state of different saves (files copied
     * from elsewhere, or a save cut off between its renames): continuing would mix two points of the run.
     */
    static void sameSave(Path dir, Safetensors.Contents checkpoint, Safetensors.Contents state) {
        String a = checkpoint.metadata().get("epoch");
        String b = state.metadata().get("epoch");
        if (a == null || !a.equals(b)) {
            throw new IllegalArgumentException("cannot resume " + dir + ": its checkpoint is from epoch " + a + " but its training state from epoch "
                    + b + " (the files come from different saves)");
        }
    }
}
