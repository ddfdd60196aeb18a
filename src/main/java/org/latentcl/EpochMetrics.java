package org.latentcl;

import java.util.Map;
import org.latentcl.io.Json;
import org.latentcl.train.VaeEpochStats;

/**
 * What one VAE epoch measured; losses are per example, in nats (-ELBO = recon + KL).
 *
 * @param epoch        1-based
 * @param trainLoss    mean training -ELBO over the epoch
 * @param testLoss     test -ELBO after the epoch (one sampled z per example)
 * @param recon        training reconstruction term
 * @param kl           training KL term
 * @param testRecon    test reconstruction term
 * @param testKl       test KL term
 * @param trainSeconds wall time of the epoch's training steps
 * @param samplesPerS  training examples per second
 * @param device       the backend's name
 * @param deviceBuffers device buffers allocated at the end of the epoch (-1 on the Java backend): flat over a long run
 * @param devicePeakMib the most device memory the run's buffers held at once so far, in MiB (-1 on the Java backend)
 */
public record EpochMetrics(int epoch, double trainLoss, double testLoss, double recon, double kl, double testRecon,
                           double testKl, double trainSeconds, double samplesPerS, String device, int deviceBuffers,
                           double devicePeakMib) {

    /**
     * The fields of metrics.jsonl, in order: {@code epoch}, {@code train_loss}, {@code test_loss},
     * {@code recon}, {@code kl}, {@code test_recon}, {@code test_kl}, {@code train_seconds},
     * {@code samples_per_s}, {@code device}, {@code device_buffers} and {@code device_peak_mib}.
     *
     * @return field names to values, rounded as the file has them
     */
    public Map<String, Object> toMap() {
        return stats().toMap();
    }

    /** The training loop's record of the same epoch. */
    private VaeEpochStats stats() {
        return new VaeEpochStats(epoch, trainLoss, testLoss, recon, kl, testRecon, testKl, trainSeconds, samplesPerS, device, deviceBuffers, devicePeakMib);
    }

    /** The public view of an epoch the training loop measured. */
    static EpochMetrics of(VaeEpochStats s) {
        return new EpochMetrics(s.epoch(), s.trainLoss(), s.testLoss(), s.recon(), s.kl(), s.testRecon(), s.testKl(), s.trainSeconds(), s.samplesPerS(), s.device(), s.deviceBuffers(), s.devicePeakMib());
    }

    /**
     * One line of metrics.jsonl.
     *
     * @return a JSON object
     */
    public String toJson() {
        return Json.write(toMap());
    }

}
