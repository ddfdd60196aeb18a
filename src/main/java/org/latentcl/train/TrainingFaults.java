package org.latentcl.train;

import java.nio.file.Files;
import java.nio.file.Path;
import org.latentcl.io.OutputException;

/**
 * Turns a fault in the middle of a run (a device lost, out of memory, a full disk) into one message
 * that says what is saved and how to continue.
 */
final class TrainingFaults {
    private TrainingFaults() {
    }

    /** The error for a fault in {@code epoch}: its cause, and what is saved. */
    static RunFailedException failed(String model, RuntimeException cause, int epoch, Path out, int epochs) {
        String what = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new RunFailedException("training failed in epoch " + epoch + ": " + what + ". " + saved(model, epoch, out, epochs), cause);
    }

    /** An output that could not be written in {@code epoch} (a full disk), with what is saved. */
    static OutputException unwritten(String model, OutputException cause, int epoch, Path out, int epochs) {
        return new OutputException(cause, "The run stopped in epoch " + epoch + ". " + saved(model, epoch, out, epochs));
    }

    /**
     * Where the last whole epoch's checkpoint is, as its own metadata says, and how to continue; or
     * that nothing was saved. Checkpoints are written whole, so the one there is intact.
     */
    private static String saved(String model, int epoch, Path out, int epochs) {
        if (out == null) {
            return "The model keeps the weights of its last step.";
        }
        int done = savedEpoch(out.resolve(RunFiles.CHECKPOINT));
        // Only this run's checkpoints count: one of epoch - 1, or of this epoch when it failed after saving (its pictures).
        if (done < 1 || done < epoch - 1 || done > epoch) {
            return "No epoch had finished, so no checkpoint was saved.";
        }
        return "The checkpoint from the end of epoch " + done + " is intact in " + out + "; continue with: train " + model + " --resume " + out
                + " --epochs " + epochs;
    }

    /** The epoch a checkpoint's metadata names, or 0 when there is none or it cannot be read. */
    private static int savedEpoch(Path checkpoint) {
        if (!Files.isRegularFile(checkpoint)) {
            return 0;
        }
        try {
            return Integer.parseInt(org.latentcl.io.Safetensors.read(checkpoint).metadata().getOrDefault("epoch", "0"));
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
