package org.latentcl.cli;

import org.latentcl.train.RunFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.latentcl.VaeTrainer;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;
import org.latentcl.data.Decoder;
import org.latentcl.io.Safetensors;
import org.latentcl.model.ImageShape;
import org.latentcl.model.VaeConfig;
import org.latentcl.train.VaeCheckpoint;
import org.latentcl.train.VaeTraining;
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
        private static String klText(VaeTraining.Options opt) {
            return (opt.klWeight() != 1f ? ", beta " + Flags.number(opt.klWeight()) : "")
                    + (opt.klWarmup() > 0 ? ", KL warm-up " + Flags.count(opt.klWarmup(), "step") : "");
        }

        @Override
        public Integer call() throws IOException {
            PrintWriter console = spec.commandLine().getOut();
            Flags.positive("--epochs", epochs);
            Flags.positive("--batch", batch);
            Flags.positive("--latent", latent);
            Flags.positive("--lr", lr);
            Flags.positive("--sigma", sigma);
            VaeTraining.Options opt;
            VaeConfig config;
            DataSplit split;
            run.checkKeeping(true);
            if (resume != null) {
                Path ckpt = resume.resolve(RunFiles.CHECKPOINT);
                Safetensors.Contents c = Safetensors.read(ckpt);
                config = VaeCheckpoint.config(c, ckpt);
                epochs = Flags.resumedEpochs(spec, resume, epochs);
                Map<String, String> meta = c.metadata();
                String savedData = meta.getOrDefault("data", run.data);
                // Images resized by --image-size come back at the checkpoint's size (a no-op for data stored at that size).
                split = Datasets.load(savedData, ModelFiles.squareImageSize(c));
                for (String flag : new String[] {"--beta", "--kl-warmup", "--lr-schedule", "--warmup-steps"}) {
                    if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                        throw new UsageException(flag + " cannot change a resumed run (it keeps its own); leave it out of --resume");
                    }
                }
                VaeTraining.KlSchedule kl = VaeTraining.klSchedule(resume);
                VaeTraining.ScheduleSetting lrs = VaeTraining.lrSchedule(resume);
                run.lrSchedule = lrs.kind();
                run.warmupSteps = lrs.warmupSteps();
                opt = new VaeTraining.Options(epochs, Integer.parseInt(meta.getOrDefault("batch", Integer.toString(batch))),
                        Float.parseFloat(meta.getOrDefault("lr", Float.toString(lr))), Long.parseLong(meta.getOrDefault("seed",
                        Long.toString(run.seed))), resume, true, savedData, run.profile, kl.weight(), kl.warmup());
            } else {
                split = Datasets.load(run.dataSpec(), run.imageSize);
                config = config(split.train());
                if (conditional) {
                    config = config.conditional(Conditioning.classes(split));
                }
                Flags.batchFits(batch, split.train().rows());
                if (!(beta >= 0f) || Float.isInfinite(beta)) {
                    throw new UsageException("--beta must be a number of at least 0, got " + beta);
                }
                if (klWarmup < 0) {
                    throw new UsageException("--kl-warmup must be 0 (none) or a number of steps, got " + klWarmup);
                }
                run.schedule();
                opt = new VaeTraining.Options(epochs, batch, lr, run.seed, run.freshRunDirectory("vae"), false, run.dataSpec(), run.profile,
                        beta, klWarmup);
            }
            if (config.decoder() == Decoder.BERNOULLI && !split.train().inUnitInterval()) {
                throw new UsageException("the bernoulli decoder needs data in [0, 1]; " + split.train().name()
                        + " has values outside it: use --decoder gaussian");
            }
            // The command is a thin layer over the public API: a device, a VAE, a trainer with the progress line as its listener.
            try (TrainingDevices devices = run.devices();
                 org.latentcl.Vae vae = builder(config).decoder(config.decoder()).latent(config.latent())
                         .sigma(config.sigma()).seed(opt.seed()).device(devices.lead()).build()) {
                console.printf(Locale.ROOT, "training %s on %s: %d train / %d test examples (%s), batch %d, lr %s%s, %s -> %s%n",
                        config, devices.describe(), split.train().rows(), split.test().rows(), split.testSource(), opt.batch(),
                        Flags.number(opt.lr()) + RunOptions.scheduleText(run.lrSchedule.toLowerCase(Locale.ROOT), run.warmupSteps), klText(opt),
                        Flags.count(opt.epochs(), "epoch"), opt.out());
                Progress progress = new Progress(console, run.quiet, opt.batch(), opt.epochs(), "loss");
                progress.catchInterrupts();
                VaeTrainer trainer = devices.apply(VaeTrainer.builder(), run.balance).epochs(opt.epochs()).batch(opt.batch()).learningRate(opt.lr()).seed(opt.seed())
                        .klWeight(opt.klWeight()).klWarmup(opt.klWarmup()).learningRateSchedule(run.schedule()).warmupSteps(run.warmupSteps)
                        .saveEvery(run.saveEvery).patience(run.patience).keepBest(run.keepBest)
                        .outputDirectory(opt.out()).resume(opt.resume()).overwrite(true).dataName(opt.data()).profile(opt.profile())
                        .listener(progress.listener(console, m -> console.printf(Locale.ROOT,
                                "epoch %d/%d  train %.2f  test %.2f  (recon %.2f + KL %.2f)  %.1f s  %.0f samples/s%n", m.epoch(),
                                opt.epochs(), m.trainLoss(), m.testLoss(), m.testRecon(), m.testKl(), m.trainSeconds(), m.samplesPerS()),
                                m -> { })).build();
                trainer.fit(vae, split);
            }
            Path dir = opt.out();
            console.println(DoneLine.of(dir));
            return Main.EXIT_OK;
        }

        /** The VAE the flags describe, for these data. */
        private VaeConfig config(Dataset train) {
            switch (arch.toLowerCase(Locale.ROOT)) {
                case "mlp":
                    return new VaeConfig(train.cols(), Flags.sizes("--hidden", hidden), latent, decoder(), sigma);
                case "conv":
                    if (!train.isImage()) {
                        throw new UsageException("--arch conv needs image data; " + train.name() + " has rows of " + train.cols()
                                + " features with no image shape");
                    }
                    return new VaeConfig(train.cols(), Flags.sizes("--channels", channels), latent, decoder(), sigma,
                            new ImageShape(train.channels(), train.height(), train.width()));
                default:
                    throw new UsageException("--arch must be mlp or conv, got '" + arch + "'");
            }
        }

        private static org.latentcl.Vae.Builder builder(VaeConfig c) {
            org.latentcl.Vae.Builder b = org.latentcl.Vae.builder();
            b.classes(c.classes());
            return c.convolutional() ? b.convolutional(c.image().channels(), c.image().height(), c.image().width(), c.hidden())
                    : b.input(c.input()).hidden(c.hidden());
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
