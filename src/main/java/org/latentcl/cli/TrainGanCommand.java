package org.latentcl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.Trainer;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Datasets;
import org.latentcl.model.GanConfig;
import org.latentcl.train.VaeTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train gan}. */
@Command(name = "gan", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Train a generative adversarial network (Goodfellow et al.) and write metrics, checkpoint and pictures.")
final class TrainGanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RunOptions run;

    @Option(names = "--epochs", defaultValue = "20", description = "Epochs (discriminator passes over the data).")
    int epochs;

    @Option(names = "--batch", defaultValue = "128", description = "Examples per step.")
    int batch;

    @Option(names = "--noise", defaultValue = "64", description = "Noise dimensions of the generator's input.")
    int noise;

    @Option(names = "--g-hidden", defaultValue = "256,512", description = "Generator hidden sizes, comma-separated.")
    String gHidden;

    @Option(names = "--d-hidden", defaultValue = "512,256", description = "Discriminator hidden sizes, comma-separated.")
    String dHidden;

    @Option(names = "--lr", defaultValue = "2e-4", description = "Adam learning rate of both networks.")
    float lr;

    @Option(names = "--beta1", defaultValue = "0.5", description = "Adam beta1 of both networks.")
    float beta1;

    @Option(names = "--k", defaultValue = "1", description = "Discriminator steps per generator step (Algorithm 1).")
    int k;

    @Option(names = "--loss", defaultValue = "nonsaturating", description = "Generator loss: nonsaturating (-log D(G(z))) or minimax (log(1 - D(G(z)))).")
    String loss;

    @Override
    public Integer call() throws IOException {
        PrintWriter console = spec.commandLine().getOut();
        Flags.positive("--epochs", epochs);
        Flags.positive("--batch", batch);
        Flags.positive("--noise", noise);
        Flags.positive("--lr", lr);
        Flags.positive("--k", k);
        if (!(beta1 >= 0f && beta1 < 1f)) {
            throw new UsageException("--beta1 must be in [0, 1), got " + beta1);
        }
        GanConfig.Loss lossKind;
        try {
            lossKind = GanConfig.Loss.valueOf(loss.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--loss must be nonsaturating or minimax, got '" + loss + "'");
        }
        DataSplit split = Datasets.load(run.data);
        boolean unit = split.train().inUnitInterval();
        GanConfig config = new GanConfig(split.train().cols(), noise, Flags.sizes("--g-hidden", gHidden),
                Flags.sizes("--d-hidden", dHidden), unit, lossKind);
        Path dir = run.freshRunDirectory("gan");
        // A thin layer over the public API: a device, a GAN, a trainer with the progress line as its listener.
        try (Device device = Devices.get(run.device);
             org.latentcl.Gan gan = org.latentcl.Gan.builder().data(config.data()).noise(noise).generator(config.genHidden())
                     .discriminator(config.discHidden()).output(unit ? org.latentcl.Gan.Output.SIGMOID : org.latentcl.Gan.Output.LINEAR)
                     .loss(lossKind == GanConfig.Loss.NONSATURATING ? org.latentcl.Gan.Loss.NONSATURATING : org.latentcl.Gan.Loss.MINIMAX)
                     .seed(run.seed).device(device).build()) {
            console.printf(Locale.ROOT, "training %s on %s: %d examples, batch %d, lr %s, beta1 %s, k %d, %d epochs -> %s%n", config,
                    device.name(), split.train().rows(), batch, lr, beta1, k, epochs, dir);
            console.println(unit ? "the data lie in [0, 1], so the generator ends in a sigmoid"
                    : "the data are not in [0, 1], so the generator's output layer is linear");
            Progress progress = new Progress(console, run.quiet, batch, epochs, "d_loss");
            progress.catchInterrupts();
            Trainer trainer = Trainer.builder().epochs(epochs).batch(batch).learningRate(lr).beta1(beta1).k(k).seed(run.seed)
                    .outputDirectory(dir).overwrite(true).dataName(run.data).profile(run.profile)
                    .listener(progress.listener(console, m -> { }, m -> {
                        console.printf(Locale.ROOT, "epoch %d/%d  d_loss %.3f  g_loss %.3f  D(x) %.3f  D(G(z)) %.3f  diversity %.2f  %.1f s  %.0f samples/s%n",
                                m.epoch(), epochs, m.dLoss(), m.gLoss(), m.dReal(), m.dFake(), m.diversity(), m.trainSeconds(), m.samplesPerS());
                        for (String w : m.warnings()) {
                            console.println("  warning: " + w);
                        }
                    })).build();
            // The whole data set trains the GAN, as before: its test part is not used.
            trainer.fit(gan, split);
        }
        console.println("done: " + dir.resolve(VaeTraining.CHECKPOINT) + ", " + dir.resolve(VaeTraining.METRICS) + "; pictures in " + dir);
        return Main.EXIT_OK;
    }
}
