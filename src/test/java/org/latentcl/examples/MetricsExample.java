package org.latentcl.examples;

import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.Gan;
import org.latentcl.SampleQuality;
import org.latentcl.GanTrainer;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Datasets;

/** Trains a GAN briefly and measures its samples with FID and friends beside the real-data floor (docs/API.md shows this code). */
public final class MetricsExample {
    private MetricsExample() {
    }

    /**
     * Runs the example on the embedded digits.
     *
     * @param args the epochs (default 5)
     */
    public static void main(String[] args) {
        SampleQuality.Measured m = run(Datasets.load("default"), args.length > 0 ? Integer.parseInt(args[0]) : 5, 10_000);
        System.out.println(m);
    }

    /**
     * Trains an MLP GAN on labelled images and measures n of its samples.
     *
     * @param data   labelled images with values in [0, 1]
     * @param epochs epochs of training
     * @param n      samples to measure
     * @return the samples' metrics, the floor and the classifier's accuracy
     */
    public static SampleQuality.Measured run(DataSplit data, int epochs, int n) {
        try (Device device = Devices.auto();
             Gan gan = Gan.builder().data(data.train().cols()).pack(2).device(device).build()) {
            GanTrainer.builder().epochs(epochs).batch(64).build().fit(gan, data);
            SampleQuality.Measured m = SampleQuality.measure(device, gan.generate(n, 1), data);
            System.out.printf("FID %.1f (real data against real data: %.1f), precision %.2f, recall %.2f, %d classes covered%n",
                    m.samples().fid(), m.floor().fid(), m.samples().precision(), m.samples().recall(), m.samples().classesCovered());
            return m;
        }
    }
}
