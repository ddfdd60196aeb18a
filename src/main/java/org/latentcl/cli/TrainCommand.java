package org.latentcl.cli;

import org.latentcl.train.RunFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.latentcl.CheckpointInfo;
import org.latentcl.Checkpoints;
import org.latentcl.VaeTrainer;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;
import org.latentcl.data.Decoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: train a model and write a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model.", subcommands = {TrainCommand.Vae.class, TrainGanCommand.class, TrainClassifierCommand.class})
final class TrainCommand implements Runnable {
    @Override
    public void run() {
        throw new UsageException("train needs a model: train vae, train gan or train classifier (see train --help)");
    }

    /** {@code train vae}. */
    @Command(name = "vae", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Train a variational autoencoder (Kingma & Welling) and write metrics, checkpoint and pictures.")
    static final class Vae implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--epochs", defaultValue = "10", description = "Epochs (with --resume: the total to reach; "
                + "without it, the run's own target).")
        int epochs;

        @Option(names = "--batch", defaultValue = "128", description = "Examples per step.")
        int batch;

        @Option(names = "--hidden", defaultValue = "400", description = "Hidden layer sizes, comma-separated (e.g. 512,256).")
        String hidden;

        @Option(names = "--arch", defaultValue = "mlp", description = "mlp (fully connected) or conv (Conv2d encoder, ConvTranspose2d decoder; image data).")
        String arch;

        @Option(names = "--channels", defaultValue = "32,64", description = "--arch conv: the convolutions' channel widths, comma-separated; each halves the image.")
        String channels;

        @Option(names = "--latent", defaultValue = "20", description = "Latent dimensions.")
        int latent;

        @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate.")
        float lr;

        @Option(names = "--beta", defaultValue = "1", description = "The KL term's weight: the objective is reconstruction + beta KL "
                + "(beta-VAE, Higgins et al. 2017); 1 is the ELBO, which the losses shown stay.")
        float beta;

        @Option(names = "--kl-warmup", paramLabel = "STEPS", defaultValue = "0", description = "Raise the KL's weight linearly to --beta "
                + "over the first STEPS updates (Bowman et al. 2016); 0: none.")
        int klWarmup;

        @Option(names = "--decoder", defaultValue = "bernoulli", description = "bernoulli (logits, BCE) or gaussian (mean, fixed sigma).")
        String decoder;

        @Option(names = "--sigma", defaultValue = "1", description = "Standard deviation of the gaussian decoder.")
        float sigma;

        @Option(names = "--conditional", description = "A class-conditional VAE (Sohn et al. 2015): the class enters the encoder and the decoder; needs labelled data.")
        boolean conditional;

        @Mixin
        RunOptions run;

        @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its last checkpoint.")
        Path resume;

        /** The KL's weight and warm-up in the start line, when they are not the ELBO's. */
        private static String klText(VaeTrainer t) {
            return (t.klWeight() != 1f ? ", beta " + Flags.number(t.klWeight()) : "")
                    + (t.klWarmup() > 0 ? ", KL warm-up " + Flags.count(t.klWarmup(), "step") : "");
        }

        @Override
        public Integer call() throws IOException {
            PrintWriter console = spec.commandLine().getOut();
            Flags.positive("--epochs", epochs);
            Flags.positive("--batch", batch);
            Flags.positive("--latent", latent);
            Flags.positive("--lr", lr);
            Flags.positive("--sigma", sigma);
            run.checkKeeping(true);
            // The command is a thin layer over the public API: a device, a VAE, a trainer with the progress line as its listener.
            VaeTrainer.Builder settings;
            DataSplit split;
            org.latentcl.Vae.Builder fresh = null;
            Path dir;
            if (resume != null) {
                for (String flag : new String[] {"--beta", "--kl-warmup", "--lr-schedule", "--warmup-steps"}) {
                    if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                        throw new UsageException(flag + " cannot change a resumed run (it keeps its own); leave it out of --resume");
                    }
                }
                settings = VaeTrainer.resuming(resume);
                CheckpointInfo info = Checkpoints.inspect(resume.resolve(RunFiles.CHECKPOINT));
                settings.epochs(Flags.resumedEpochs(spec, resume, epochs));
                // Images resized by --image-size come back at the checkpoint's size (a no-op for data stored at that size).
                split = Datasets.load(info.data(), info.squareSide());
                dir = resume;
            } else {
                split = Datasets.load(run.dataSpec(), run.imageSize);
                fresh = builder(split.train());
                if (conditional) {
                    fresh.classes(Conditioning.classes(split));
                }
                Flags.batchFits(batch, split.train().rows());
                if (!(beta >= 0f) || Float.isInfinite(beta)) {
                    throw new UsageException("--beta must be a number of at least 0, got " + beta);
                }
                if (klWarmup < 0) {
                    throw new UsageException("--kl-warmup must be 0 (none) or a number of steps, got " + klWarmup);
                }
                if (decoder() == Decoder.BERNOULLI && !split.train().inUnitInterval()) {
                    throw bernoulliOutside(split);
                }
                dir = run.freshRunDirectory("vae");
                settings = VaeTrainer.builder().epochs(epochs).batch(batch).learningRate(lr).seed(run.seed).klWeight(beta).klWarmup(klWarmup)
                        .learningRateSchedule(run.schedule()).warmupSteps(run.warmupSteps).outputDirectory(dir).dataName(run.dataSpec());
            }
            try (TrainingDevices devices = run.devices();
                 org.latentcl.Vae vae = fresh == null ? Checkpoints.loadVae(resume.resolve(RunFiles.CHECKPOINT), devices.lead())
                         : fresh.seed(run.seed).device(devices.lead()).build()) {
                // A fresh VAE's decoder was checked before the run directory existed; a resumed one's is known only now.
                if (fresh == null && vae.decoder() == Decoder.BERNOULLI && !split.train().inUnitInterval()) {
                    throw bernoulliOutside(split);
                }
                devices.apply(settings, run.balance).saveEvery(run.saveEvery).patience(run.patience).keepBest(run.keepBest).overwrite(true)
                        .profile(run.profile).tensorboard(run.tensorboard).stopAfterSteps(run.stopAfterSteps())
                .shard(run.shardIndex(), run.shardCount());
                VaeTrainer planned = settings.build();
                console.printf(Locale.ROOT, "training %s on %s: %d train / %d test examples (%s), batch %d, lr %s%s, %s -> %s%n",
                        vae.architecture(), devices.describe(), split.train().rows(), split.test().rows(), split.testSource(), planned.batch(),
                        Flags.number(planned.learningRate()) + RunOptions.scheduleText(planned.schedule().name().toLowerCase(Locale.ROOT),
                                planned.warmupSteps()), klText(planned), Flags.count(planned.epochs(), "epoch"), dir);
                Progress progress = new Progress(console, run.quiet, planned.batch(), planned.epochs(), "loss");
                progress.catchInterrupts();
                VaeTrainer trainer = settings.listener(progress.listener(console, m -> console.printf(Locale.ROOT,
                        "epoch %d/%d  train %.2f  test %.2f  (recon %.2f + KL %.2f)  %.1f s  %.0f samples/s%n", m.epoch(),
                        planned.epochs(), m.trainLoss(), m.testLoss(), m.testRecon(), m.testKl(), m.trainSeconds(), m.samplesPerS()),
                        m -> { })).build();
                run.fitUntilStop(console, progress, () -> trainer.fit(vae, split));
            }
            console.println(DoneLine.of(dir));
            return Main.EXIT_OK;
        }

        private static UsageException bernoulliOutside(DataSplit split) {
            return new UsageException("the bernoulli decoder needs data in [0, 1]; " + split.train().name()
                    + " has values outside it: use --decoder gaussian");
        }

        /** The VAE the flags describe, for these data. */
        private org.latentcl.Vae.Builder builder(Dataset train) {
            org.latentcl.Vae.Builder b = org.latentcl.Vae.builder().latent(latent).decoder(decoder()).sigma(sigma);
            switch (arch.toLowerCase(Locale.ROOT)) {
                case "mlp":
                    return b.input(train.cols()).hidden(Flags.sizes("--hidden", hidden));
                case "conv":
                    if (!train.isImage()) {
                        throw new UsageException("--arch conv needs image data; " + train.name() + " has rows of " + train.cols()
                                + " features with no image shape");
                    }
                    return b.convolutional(train.channels(), train.height(), train.width(), Flags.sizes("--channels", channels));
                default:
                    throw new UsageException("--arch must be mlp or conv, got '" + arch + "'");
            }
        }

        private Decoder decoder() {
            try {
                return Decoder.valueOf(decoder.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--decoder must be bernoulli or gaussian, got '" + decoder + "'");
            }
        }
    }
}
