package org.latentcl.train;

import java.nio.file.Files;
import java.nio.file.Path;

/** Turns a fault in the middle of a run (a device lost, out of memory) into one message that says what is saved. */
final class TrainingFaults {
    private TrainingFaults() {
    }

    /**
     * The error for a fault in {@code epoch}: its cause, and where the last whole epoch's
     * checkpoint is (and how to continue), or that nothing was saved.
     */
    static RunFailedException failed(String model, RuntimeException cause, int epoch, Path out, int epochs) {
        String what = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        StringBuilder sb = new StringBuilder("training failed in epoch ").append(epoch).append(": ").append(what);
        if (out == null) {
            sb.append(". The model keeps the weights of its last step.");
        } else if (epoch == 1 || !Files.isRegularFile(out.resolve(VaeTraining.CHECKPOINT))) {
            sb.append(". No epoch had finished, so no checkpoint was saved.");
        } else {
            sb.append(". The checkpoint from the end of epoch ").append(epoch - 1).append(" is intact in ").append(out);
            if (model.equals("vae") || model.equals("gan")) {
                sb.append("; continue with: train ").append(model).append(" --resume ").append(out).append(" --epochs ").append(epochs);
            }
        }
        return new RunFailedException(sb.toString(), cause);
    }
}
