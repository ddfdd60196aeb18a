package org.latentcl.train;

/**
 * What a run keeps beside its latest checkpoint, and when it stops early, by a score where lower is better (a
 * VAE's test loss; a GAN's FID in the epochs it measures one): as Keras's ModelCheckpoint and EarlyStopping do.
 *
 * @param saveEvery a copy of the checkpoint every this many epochs, {@code checkpoint-epoch-N.safetensors} (0: none)
 * @param patience  stop when the score has not improved for this many scored epochs (0: never)
 * @param keepBest  {@code best.safetensors}: a copy of the checkpoint of the best-scoring epoch so far
 */
public record Keeping(int saveEvery, int patience, boolean keepBest) {
    /** Only the latest checkpoint, every epoch run. */
    public static final Keeping NONE = new Keeping(0, 0, false);

    /** The name of the best epoch's copy. */
    public static final String BEST = "best.safetensors";

    public Keeping {
        if (saveEvery < 0 || patience < 0) {
            throw new IllegalArgumentException("save-every and patience must be 0 (none) or a number of epochs, got " + saveEvery + " and "
                    + patience);
        }
    }

    /** The file of the copy saved after epoch n. */
    public static String epochCopy(int n) {
        return "checkpoint-epoch-" + n + ".safetensors";
    }

    /** The index (into the scores, in epoch order) of the lowest finite score among the first n, or -1 when none is finite. */
    static int best(double[] scores, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            if (Double.isFinite(scores[i]) && (at < 0 || scores[i] < scores[at])) {
                at = i;
            }
        }
        return at;
    }

    /**
     * Whether a run whose scores so far are {@code scores} (NaN for unscored epochs) stops: its last {@code patience}
     * scored epochs all came after the best one, none lower.
     */
    boolean stops(double[] scores) {
        if (patience == 0) {
            return false;
        }
        int at = best(scores, scores.length);
        if (at < 0) {
            return false;
        }
        int scoredSince = 0;
        for (int i = at + 1; i < scores.length; i++) {
            if (Double.isFinite(scores[i])) {
                scoredSince++;
            }
        }
        return scoredSince >= patience;
    }
}
