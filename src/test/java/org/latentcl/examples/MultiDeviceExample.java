package org.latentcl.examples;

import java.util.List;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.EpochMetrics;
import org.latentcl.VaeTrainer;
import org.latentcl.Vae;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Datasets;

/** Trains the default VAE data-parallel on several devices (docs/API.md shows this code). */
public final class MultiDeviceExample {
    private MultiDeviceExample() {
    }

    /**
     * Runs the example.
     *
     * @param args the device list (default {@code all}) and the epochs (default 10)
     */
    public static void main(String[] args) {
        List<EpochMetrics> history = run(args.length > 0 ? args[0] : "all", args.length > 1 ? Integer.parseInt(args[1]) : 10);
        System.out.println(history.get(history.size() - 1).toJson());
    }

    /**
     * Trains a VAE on every device of a list.
     *
     * @param selectors the devices, as --device takes them ("cl:0,cl:1", "all")
     * @param epochs    how long to train
     * @return the metrics of every epoch
     */
    public static List<EpochMetrics> run(String selectors, int epochs) {
        DataSplit data = Datasets.load("default");
        List<Device> devices = Devices.getAll(selectors);
        try (Vae vae = Vae.builder().input(784).hidden(400).latent(20).device(devices.get(0)).build()) {
            VaeTrainer trainer = VaeTrainer.builder().epochs(epochs).batch(128).devices(devices).build();
            return trainer.fit(vae, data);
        } finally {
            devices.forEach(Device::close);
        }
    }
}
