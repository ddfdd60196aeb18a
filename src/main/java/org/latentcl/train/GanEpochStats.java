package org.latentcl.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentcl.io.Json;

/** One GAN epoch as the training loop measures and writes it to metrics.jsonl; the public API hands it on as {@code org.latentcl.GanEpochMetrics}. */
public record GanEpochStats(int epoch, double dLoss, double gLoss, double dReal, double dFake, double diversity, double fid,
                              double r1Penalty, double gradientPenalty,
                              double trainSeconds, double samplesPerS, String device, List<String> warnings, int deviceBuffers,
                              double devicePeakMib) {

    /**
     * The fields of metrics.jsonl, in order: {@code epoch}, {@code d_loss}, {@code g_loss},
     * {@code d_real}, {@code d_fake}, {@code diversity}, {@code fid} (on epochs that measured it), {@code r1_penalty}
     * (with R1: the mean ||dD/dx||^2 over the real examples it penalized), {@code gradient_penalty} (with WGAN-GP: the mean
     * of lambda (||dD/dx|| - 1)^2 over its interpolated examples),
     * {@code train_seconds},
     * {@code samples_per_s}, {@code device}, {@code warnings} and {@code device_buffers} (the first device's; -1 on the
     * Java backend), {@code device_peak_mib} (the most device memory the first device's buffers held at once so far, in MiB;
     * absent on the Java backend).
     *
     * @return field names to values, rounded as the file has them
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("d_loss", round(dLoss));
        m.put("g_loss", round(gLoss));
        m.put("d_real", round(dReal));
        m.put("d_fake", round(dFake));
        m.put("diversity", round(diversity));
        if (Double.isFinite(fid)) {
            m.put("fid", round(fid));
        }
        if (Double.isFinite(r1Penalty)) {
            m.put("r1_penalty", significant(r1Penalty));
        }
        if (Double.isFinite(gradientPenalty)) {
            m.put("gradient_penalty", significant(gradientPenalty));
        }
        m.put("train_seconds", Math.round(trainSeconds * 1000) / 1000.0);
        m.put("samples_per_s", Math.round(samplesPerS * 10) / 10.0);
        m.put("device", device);
        m.put("warnings", warnings);
        m.put("device_buffers", deviceBuffers);
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

    /** Four significant digits: a penalty falls by orders of magnitude over a run, below 4 decimal places. */
    private static double significant(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).doubleValue();
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
