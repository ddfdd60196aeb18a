package org.latentcl.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.SampleQuality;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code train classifier}: the feature classifier of the sample metrics, trained now and cached for eval. */
@Command(name = "classifier", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Train LatentCL's feature classifier for a labelled image dataset and cache it for eval's FID, KID, "
                + "classifier score, precision, recall and coverage (eval trains it on first use otherwise).",
            "Prints its test accuracy and the cache file ($LATENTCL_CACHE/classifiers, else ~/.cache/latentcl/classifiers)."})
final class TrainClassifierCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", defaultValue = "default", description = "Labelled images: default, fashion-mnist, an IDX directory, "
            + "CIFAR-10 batches or a folder of class subfolders.")
    String data;

    @Option(names = "--image-size", defaultValue = "0", paramLabel = "N", description = "Resize the images to NxN first, as train does (0: as stored).")
    int imageSize;

    @Option(names = "--device", defaultValue = "auto", description = "auto, java, cl:N or part of a device name.")
    String device;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DataSplit split = Datasets.load(data, imageSize);
        try (Device d = Devices.get(device)) {
            SampleQuality.Classifier c = SampleQuality.trainClassifier(d, split, out::println);
            out.printf(Locale.ROOT, "test accuracy %.2f%% on %d examples; cached in %s%n", 100 * c.testAccuracy(), split.test().rows(), c.file());
        }
        return Main.EXIT_OK;
    }
}
