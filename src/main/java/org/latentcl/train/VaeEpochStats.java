package org.latentcl.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.latentcl.io.Json;

/** One VAE epoch as the training loop measures and writes it to metrics.jsonl; the public API hands it on as {@code org.latentcl.EpochMetrics}. */
public record VaeEpochStats(int epoch, double trainLoss, double testLoss, double recon, double kl, double testRecon,
                           double testKl, double trainSeconds, double samplesPerS, String device, int deviceBuffers,
                           double devicePeakMib) {

    /**
     * The fields of metrics.jsonl, in order: {@code epoch}, {@code train_loss}, {@code test_loss},
     * {@code recon}, {@code kl}, {@code test_recon}, {@code test_kl}, {@code train_seconds},
     * {@code samples_per_s}, {@code device}, {@code device_buffers} and {@code device_peak_mib} (the most device memory
     * the run's buffers held at once so far, in MiB; both absent on the Java backend).
     *
     * @return field names to values, rounded as the file has them
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("train_loss", round(trainLoss, 3));
        m.put("test_loss", round(testLoss, 3));
        m.put("recon", round(recon, 3));
        m.put("kl", round(kl, 3));
        m.put("test_recon", round(testRecon, 3));
        m.put("test_kl", round(testKl, 3));
        m.put("train_seconds", round(trainSeconds, 3));
        m.put("samples_per_s", round(samplesPerS, 1));
        m.put("device", device);
        if (deviceBuffers >= 0) {
            m.put("device_buffers", deviceBuffers);
        }
        if (devicePeakMib >= 0) {
            m.put("device_peak_mib", Math.round(devicePeakMib * 10) / 10.0);
        }
        return m;
    }

    /**
     * One line of metrics.jsonl.
     *
     * @return a JSON object
     */
    public String toJson() {
        return Json.write(toMap());
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
