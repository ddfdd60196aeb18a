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

    private RunFiles() {
    }
}
