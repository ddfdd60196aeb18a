package org.latentcl.train;

/**
 * The names every run directory and checkpoint shares, whichever model wrote them: the files a
 * run writes together at the end of an epoch, and the metadata keys that say what a checkpoint holds.
 */
public final class RunFiles {
    /** One JSON line per epoch. */
    public static final String METRICS = "metrics.jsonl";
    /** The model's parameters and buffers, in PyTorch's state_dict names. */
    public static final String CHECKPOINT = "checkpoint.safetensors";
    /** What continues the run: optimizer moments, the random stream, a position inside an epoch. */
    public static final String STATE = "state.safetensors";
    /** The checkpoint metadata key naming the model ("vae" or "gan"). */
    public static final String MODEL_KEY = "model";
    /** The checkpoint metadata key holding the model's configuration as JSON. */
    public static final String CONFIG_KEY = "config";

    /** The state metadata key holding the epochs the run was asked to reach, which a resume without a new target continues to. */
    public static final String TARGET_EPOCHS_KEY = "epochs";

    private RunFiles() {
    }

    /**
     * The epochs the run in {@code dir} was asked to reach, as its state file records them; empty
     * when it records none (a run written before the target was recorded) or has no readable state.
     */
    public static java.util.OptionalInt targetEpochs(java.nio.file.Path dir) {
        try {
            String v = org.latentcl.io.Safetensors.read(dir.resolve(STATE)).metadata().get(TARGET_EPOCHS_KEY);
            return v == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(Integer.parseInt(v));
        } catch (RuntimeException e) {
            return java.util.OptionalInt.empty();
        }
    }
}
