package org.latentcl;

import java.util.List;
import java.util.Map;
import org.latentcl.io.Json;
import org.latentcl.train.GanEpochStats;

/**
 * What one GAN epoch measured.
 *
 * @param epoch        1-based
 * @param dLoss        mean discriminator loss, BCE(D(x), 1) + BCE(D(G(z)), 0) per step
 * @param gLoss        mean generator loss (-log D(G(z)) or log(1 - D(G(z))))
 * @param dReal        mean D(x) over the epoch
 * @param dFake        mean D(G(z)) over the epoch (discriminator steps)
 * @param diversity    mean pairwise distance of 256 generated samples divided by that of 256 data examples
 * @param fid          the FID of samples against the test data on epochs that measured it (Trainer.Builder.evalEvery), else NaN
 * @param r1Penalty    with R1 (GanTrainer.Builder.r1), the mean squared norm of D's gradient with respect to the real
 *                     examples it penalized, ||dD/dx||^2 (StyleGAN2-ADA's Loss/r1_penalty); else NaN
 * @param gradientPenalty with WGAN-GP (GanTrainer.Builder.gradientPenalty), the mean of lambda (||dD/dx|| - 1)^2 over
 *                     the examples between real and generated ones it penalized; else NaN
 * @param trainSeconds wall time of the epoch's steps
 * @param samplesPerS  real examples seen per second
 * @param device       the backend's name
 * @param warnings     failure modes detected this epoch (discriminator wins, oscillation, divergence, collapse)
 * @param deviceBuffers device buffers allocated at the end of the epoch on the (first) device (-1 on the Java backend):
 *                      flat over a long run
 * @param devicePeakMib the most device memory the (first) device's buffers held at once so far, in MiB (-1 on the Java
 *                      backend)
 */
public record GanEpochMetrics(int epoch, double dLoss, double gLoss, double dReal, double dFake, double diversity, double fid,
                              double r1Penalty, double gradientPenalty,
                              double trainSeconds, double samplesPerS, String device, List<String> warnings, int deviceBuffers,
                              double devicePeakMib) {

    /**
     * The fields of metrics.jsonl, in order: {@code epoch}, {@code d_loss}, {@code g_loss},
     * {@code d_real}, {@code d_fake}, {@code diversity}, {@code fid} (when measured), {@code r1_penalty} (with R1), {@code gradient_penalty} (with WGAN-GP), {@code train_seconds},
     * {@code samples_per_s}, {@code device}, {@code warnings}, {@code device_buffers} and {@code device_peak_mib}.
     *
     * @return field names to values, rounded as the file has them
     */
    public Map<String, Object> toMap() {
        return stats().toMap();
    }

    /** The training loop's record of the same epoch. */
    private GanEpochStats stats() {
        return new GanEpochStats(epoch, dLoss, gLoss, dReal, dFake, diversity, fid, r1Penalty, gradientPenalty, trainSeconds, samplesPerS, device, warnings, deviceBuffers, devicePeakMib);
    }

    /** The public view of an epoch the training loop measured. */
    static GanEpochMetrics of(GanEpochStats s) {
        return new GanEpochMetrics(s.epoch(), s.dLoss(), s.gLoss(), s.dReal(), s.dFake(), s.diversity(), s.fid(), s.r1Penalty(), s.gradientPenalty(), s.trainSeconds(), s.samplesPerS(), s.device(), s.warnings(),
                s.deviceBuffers(), s.devicePeakMib());
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
