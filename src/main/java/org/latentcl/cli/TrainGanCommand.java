package org.latentcl.cli;

import org.latentcl.train.RunFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.latentcl.CheckpointInfo;
import org.latentcl.Checkpoints;
import org.latentcl.GanTrainer;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;
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

    @Option(names = "--epochs", defaultValue = "20", description = "Epochs (discriminator passes over the data; with "
            + "--resume: the total to reach, without it the run's own target).")
    int epochs;

    @Option(names = "--batch", description = "Examples per step (default 64, halved for the MLP on fewer than 32,000 images "
            + "down to 16 so an epoch has at least " + GanKind.MLP_MIN_STEPS + " steps; 25 for points: data of at most "
            + GanKind.POINTS_MAX_FEATURES + " features and no image shape, under the default preset; 128 for the MLP "
            + "under --preset paper).")
    Integer batch;

    @Option(names = "--arch", defaultValue = "mlp", description = "mlp (fully connected) or dcgan (convolutional with batch norm; square image data of side 28, 16, 32, 64 or 128).")
    String arch;

    @Option(names = "--noise", description = "Noise dimensions of the generator's input (default 64; 100 for dcgan; the data's features for points).")
    Integer noise;

    @Option(names = "--ngf", defaultValue = "64", description = "--arch dcgan: the generator's base width.")
    int ngf;

    @Option(names = "--ndf", defaultValue = "64", description = "--arch dcgan: the discriminator's base width.")
    int ndf;

    @Option(names = "--g-hidden", description = "Generator hidden sizes, comma-separated (default 256,512; 400,400,400,400 for points).")
    String gHidden;

    @Option(names = "--d-hidden", description = "Discriminator hidden sizes, comma-separated (default 512,256; 512,512,512 for points).")
    String dHidden;

    @Option(names = "--lr", description = "Adam learning rate of both networks (default 3e-4 for images, 2.5e-4 for points; "
            + "2e-4 under --preset paper).")
    Float lr;

    @Option(names = "--beta1", description = "Adam beta1 of both networks (default 0.5).")
    Float beta1;

    @Option(names = "--k", defaultValue = "1", description = "Discriminator steps per generator step (Algorithm 1).")
    int k;

    @Option(names = "--loss", description = "Loss: nonsaturating (G minimizes -log D(G(z))), minimax (log(1 - D(G(z)))), hinge "
            + "(D: max(0, 1 - D(x)) + max(0, 1 + D(G(z))), G: -D(G(z))) or wgan (D: D(G(z)) - D(x), G: -D(G(z)); with --gp or "
            + "--spectral-norm). Default: from --preset.")
    String loss;

    @Option(names = "--preset", defaultValue = "default", description = "default: the stabilizers measured best for the kind of data "
            + "(docs/GAN.md): for points (at most " + GanKind.POINTS_MAX_FEATURES + " features, no image shape) --standardize --g-residual "
            + "with --instance-noise 0.14 --lr-decay --g-ema 0.999 --fakes-per-real 4 (see --g-hidden, --d-hidden, --lr, --beta1, --batch); for the MLP GAN on images, conditional or not, "
            + "--r1 10 --g-ema 0.999; the DCGAN's recipe as in its paper. "
            + "paper: the 2014 GAN exactly (nonsaturating loss, no stabilizers, one learning rate), for comparison. Stabilizer flags "
            + "change the default preset; with paper they are refused.")
    String preset;

    @Option(names = "--spectral-norm", negatable = true, description = "Spectral normalization of every discriminator weight (Miyato et al. 2018).")
    Boolean spectralNorm;

    @Option(names = "--pack", description = "PacGAN: the discriminator judges this many examples at once (Lin et al. 2018); the batch must be a multiple.")
    Integer pack;

    @Option(names = "--d-batch-norm", negatable = true, description = "--arch dcgan: batch norm in the "
            + "discriminator's middle layers, as Radford et al.'s (default); --no-d-batch-norm drops it (those convolutions then take "
            + "a bias), which --r1 and --gp need.")
    Boolean dBatchNorm;

    @Option(names = "--g-batch-norm", negatable = true, description = "MLP: batch norm before each hidden activation of the generator, "
            + "as PacGAN's generators for the 2-D mixtures (Lin et al. 2018); sampling uses its running statistics. Default: from --preset.")
    Boolean gBatchNorm;

    @Option(names = "--standardize", negatable = true, description = "MLP with a linear output: both networks work in the training "
            + "data's standardized units ((x - mean) / std per feature, from the training data; kept in the checkpoint, so samples come "
            + "in the data's units); instance noise and --r1 then act in those units. Default: from --preset.")
    Boolean standardize;

    @Option(names = "--g-residual", negatable = true, description = "MLP: the generator adds its noise to its output, G(z) = z + MLP(z) "
            + "(noise as wide as the data, unconditional, linear output); with --standardize it starts at the data's Gaussian fit. "
            + "Default: from --preset.")
    Boolean gResidual;

    @Option(names = "--d-maxout", paramLabel = "PIECES", description = "MLP: maxout units in the discriminator's hidden layers, each the "
            + "largest of PIECES values (Goodfellow et al. 2013; PacGAN's 2-D discriminators take 5); 1: LeakyReLU. Default: 1.")
    Integer dMaxout;

    @Option(names = "--minibatch-std", negatable = true, description = "The minibatch standard-deviation feature before the discriminator's last layer (Karras et al. 2018).")
    Boolean minibatchStd;

    @Option(names = "--label-smoothing", description = "One-sided label smoothing: the BCE target of real data, such as 0.9 (Salimans et al. 2016); 1 is none. Not with --loss hinge.")
    Float labelSmoothing;

    @Option(names = "--instance-noise", description = "Instance noise: the standard deviation of Gaussian noise added to every discriminator input, annealed linearly to 0 over the run (Sønderby et al. 2017).")
    Float instanceNoise;

    @Option(names = "--eval-every", defaultValue = "0", paramLabel = "N", description = "Log the FID of "
            + GanTrainer.FID_SAMPLES + " samples against the test data every N epochs and after the last, and plot it "
            + "in fid.png (labelled images; LatentCL's classifier for the data is trained on first use and cached). 0: never.")
    int evalEvery;

    @Option(names = "--lr-decay", negatable = true, description = "Both learning rates fall linearly to 0 over the run.")
    Boolean lrDecay;

    @Option(names = "--g-ema", paramLabel = "DECAY", description = "Keep an exponential moving average of the generator's weights "
            + "(Yazıcı et al. 2019) with this decay per update, such as 0.999, ramped up as in Karras et al. 2020; samples, pictures, "
            + "FID and eval use it, and the checkpoint holds it beside the trained generator. 0: none. Default: from --preset.")
    Float gEma;

    @Option(names = "--r1", paramLabel = "GAMMA", description = "R1 (Mescheder et al. 2018): gamma/2 times the squared gradient of "
            + "the discriminator's logit with respect to real examples, added to its loss, such as 10 for images or 0.1 for 2-D points; "
            + "needs a discriminator without batch norm. 0: none. Default: from --preset.")
    Float r1;

    @Option(names = "--r1-every", paramLabel = "N", description = "With --r1: take it on every N-th discriminator step only, N times "
            + "as strong (lazy regularization, Karras et al. 2020, who take 16).")
    Integer r1Every;

    @Option(names = "--gp", paramLabel = "LAMBDA", description = "WGAN-GP's gradient penalty (Gulrajani et al. 2017): lambda times "
            + "(||dD/dx|| - 1)^2 at random points between real and generated examples, added to the critic's loss on every step; "
            + "with --loss wgan, whose paper takes 10 (and --k 5). Same discriminators as --r1. 0: none.")
    Float gradientPenalty;

    @Option(names = "--fakes-per-real", paramLabel = "N", description = "Generated examples per real one in each step: the "
            + "discriminator judges batch x N fresh generated examples beside the batch's real ones and the generator trains on "
            + "them all (generated examples cost no data); each side's loss is a mean over its own; unconditional GANs. Default: from --preset (4 for points, else 1).")
    Integer fakesPerReal;

    @Option(names = "--d-lr", description = "The discriminator's learning rate (default --lr; "
            + "larger than --lr is the two time-scale update rule, Heusel et al. 2017).")
    Float dLr;

    @Option(names = "--conditional", description = "A class-conditional GAN: the class enters the generator beside the noise and the "
            + "discriminator through a projection (Miyato & Koyama 2018); needs labelled data.")
    boolean conditional;

    @Option(names = "--conditioning", defaultValue = "projection", description = "With --conditional: how the discriminator takes the class, "
            + "projection (Miyato & Koyama) or concat (beside its input; the MLP GAN only).")
    String conditioning;

    @Option(names = "--aux-classifier", paramLabel = "WEIGHT", description = "With --conditional (projection): an auxiliary classifier on "
            + "the discriminator's features (AC-GAN, Odena et al. 2017); the discriminator also learns to classify real data and the "
            + "generator to have its samples classified as the class asked for, each loss WEIGHT x the mean cross-entropy, such as 1.")
    Float auxClassifier;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR exactly where it stopped (both networks, "
            + "both optimizers, the data order and the noise stream), with its own settings, to its own target or to --epochs.")
    Path resume;

    /** The flags a resumed run takes from its directory; giving them with --resume is refused rather than ignored. */
    private static final String[] RUN_SETTINGS = {"--batch", "--arch", "--noise", "--ngf", "--ndf", "--g-hidden", "--d-hidden", "--lr", "--beta1",
        "--k", "--loss", "--preset", "--spectral-norm", "--pack", "--minibatch-std", "--label-smoothing", "--instance-noise", "--eval-every",
        "--lr-decay", "--g-ema", "--d-lr", "--data", "--labels", "--label-column", "--image-size", "--seed", "--out", "--force", "--conditional", "--conditioning",
        "--aux-classifier", "--lr-schedule", "--warmup-steps", "--r1", "--r1-every", "--gp", "--d-batch-norm", "--g-batch-norm", "--d-maxout",
        "--standardize", "--g-residual", "--fakes-per-real"};

    @Override
    public Integer call() throws IOException {
        PrintWriter console = spec.commandLine().getOut();
        if (resume != null) {
            return resume(console);
        }
        boolean dcgan = switch (arch.toLowerCase(Locale.ROOT)) {
            case "mlp" -> false;
            case "dcgan" -> true;
            default -> throw new UsageException("--arch must be mlp or dcgan, got '" + arch + "'");
        };
        Flags.positive("--epochs", epochs);
        if (this.batch != null) {
            Flags.positive("--batch", this.batch);
        }
        if (this.noise != null) {
            Flags.positive("--noise", this.noise);
        }
        Flags.positive("--ngf", ngf);
        Flags.positive("--ndf", ndf);
        if (lr != null) {
            Flags.positive("--lr", lr);
        }
        Flags.positive("--k", k);
        if (evalEvery < 0) {
            throw new UsageException("--eval-every must be 0 (never) or a number of epochs, got " + evalEvery);
        }
        if (beta1 != null && !(beta1 >= 0f && beta1 < 1f)) {
            throw new UsageException("--beta1 must be in [0, 1), got " + beta1);
        }
        run.checkKeeping(evalEvery > 0);
        DataSplit split = Datasets.load(run.dataSpec(), run.imageSize);
        Dataset train = split.train();
        GanKind kind = GanKind.of(dcgan, preset.equalsIgnoreCase("paper"), train);
        int batch = this.batch != null ? this.batch : kind.batchFor(train.rows());
        // Points take noise as wide as the data, which the residual generator adds its output to.
        int noise = this.noise != null ? this.noise : kind.noise > 0 ? kind.noise : train.cols();
        float lr = this.lr != null ? this.lr : kind.lr;
        float beta1 = this.beta1 != null ? this.beta1 : kind.beta1;
        // A schedule the user names takes the place of a preset's decaying rates (the points' default).
        Boolean decay = lrDecay != null || !spec.commandLine().getParseResult().hasMatchedOption("--lr-schedule") ? lrDecay : Boolean.FALSE;
        GanStabilizers st = GanStabilizers.resolve(preset, kind, loss, spectralNorm, pack, minibatchStd, labelSmoothing, instanceNoise,
                dLr, decay, gEma, r1, r1Every, gradientPenalty, fakesPerReal, lr, batch);
        if (st.lrDecay() && run.schedule() == org.latentcl.Trainer.Schedule.COSINE) {
            throw new UsageException("--lr-decay is --lr-schedule linear; it and --lr-schedule cosine exclude each other");
        }
        boolean unit = train.inUnitInterval();
        if (evalEvery > 0 && !(train.isImage() && train.hasLabels() && split.test().hasLabels())) {
            throw new UsageException("--eval-every measures FID on a classifier of labelled images; " + train.name() + " has "
                    + (train.isImage() ? "no labels" : "no image shape"));
        }
        org.latentcl.Gan.Builder builder = org.latentcl.Gan.builder().noise(noise).loss(st.loss()).spectralNorm(st.spectralNorm())
                .pack(st.pack()).minibatchStd(st.minibatchStd()).seed(run.seed);
        if (conditional) {
            if (st.pack() > 1) {
                throw new UsageException("--pack judges several examples at once, which a conditional discriminator cannot; drop one of them");
            }
            if (fakesPerReal != null && fakesPerReal > 1) {
                throw new UsageException("--fakes-per-real: " + org.latentcl.model.GanNetwork.CONDITIONAL_FAKES);
            }
            // The preset's generated examples per real one (points) are for unconditional GANs.
            st = st.withFakesPerReal(1);
            builder.classes(Conditioning.classes(split));
            switch (conditioning.toLowerCase(Locale.ROOT)) {
                case "projection" -> { }
                case "concat" -> {
                    if (dcgan) {
                        throw new UsageException("--conditioning concat is for the MLP GAN; the DCGAN's discriminator takes the class by projection");
                    }
                    builder.concatenateClasses(true);
                }
                default -> throw new UsageException("--conditioning must be projection or concat, got '" + conditioning + "'");
            }
        } else if (spec.commandLine().getParseResult().hasMatchedOption("--conditioning")) {
            throw new UsageException("--conditioning says how a conditional GAN takes its class; add --conditional");
        }
        if (auxClassifier != null) {
            if (!conditional) {
                throw new UsageException("--aux-classifier learns the classes of a conditional GAN; add --conditional");
            }
            if (!(auxClassifier > 0f) || auxClassifier.isInfinite()) {
                throw new UsageException("--aux-classifier must be a positive weight, such as 1, got " + auxClassifier);
            }
            if ("concat".equalsIgnoreCase(conditioning)) {
                throw new UsageException("--aux-classifier reads the projection discriminator's features; --conditioning concat has none apart");
            }
            builder.auxClassifier(auxClassifier);
        }
        if (dMaxout != null && dMaxout < 1) {
            throw new UsageException("--d-maxout must be at least 1 (1: LeakyReLU units), got " + dMaxout);
        }
        if (dcgan && (gBatchNorm != null || dMaxout != null)) {
            throw new UsageException((gBatchNorm != null ? "--g-batch-norm" : "--d-maxout") + " is for the MLP GAN; the DCGAN's "
                    + (gBatchNorm != null ? "generator has batch norm already" : "discriminator is convolutional"));
        }
        if (dcgan && (standardize != null || gResidual != null)) {
            throw new UsageException((standardize != null ? "--standardize" : "--g-residual") + " is for the MLP GAN; the DCGAN trains on "
                    + "its data scaled to its tanh's [-1, 1]");
        }
        // The preset's scaling where it applies: not to data in [0, 1] (a sigmoid output), nor the skip where the noise is not the data's width.
        boolean standardized = !dcgan && (standardize != null ? standardize : kind.standardize && !unit);
        boolean residual = !dcgan && (gResidual != null ? gResidual : kind.residual && noise == train.cols() && !conditional && !unit);
        if (standardized && unit) {
            throw new UsageException("--standardize is for data outside [0, 1]; " + train.name() + " lies in [0, 1], so the generator ends "
                    + "in a sigmoid, which standardized units do not suit");
        }
        if (residual && (noise != train.cols() || conditional || unit)) {
            throw new UsageException("--g-residual adds the noise to the generator's output: it needs --noise " + train.cols() + " (the data's "
                    + "features), an unconditional GAN and data outside [0, 1]" + (noise != train.cols() ? "; the noise has " + noise
                    : conditional ? "; --conditional is set" : "; " + train.name() + " lies in [0, 1]"));
        }
        if (dcgan) {
            if (!train.isImage() || !unit) {
                throw new UsageException("--arch dcgan needs images with values in [0, 1]; " + train.name()
                        + (train.isImage() ? " has values outside it" : " has rows of " + train.cols() + " features with no image shape"));
            }
            if (!org.latentcl.Gan.dcganTakes(train.height(), train.width())) {
                throw new UsageException("the DCGAN takes square images of side 28, 16, 32, 64 or 128; " + train.name() + " has "
                        + train.height() + "x" + train.width() + " (resize them with --image-size)");
            }
            builder.dcgan(train.channels(), train.height(), train.width(), ngf, ndf).discriminatorBatchNorm(dBatchNorm == null || dBatchNorm);
        } else {
            if (dBatchNorm != null && !dBatchNorm) {
                throw new UsageException("--no-d-batch-norm drops the DCGAN discriminator's batch norm; the MLP discriminator has none");
            }
            builder.data(train.cols()).generator(Flags.sizes("--g-hidden", gHidden != null ? gHidden : kind.gHidden))
                    .discriminator(Flags.sizes("--d-hidden", dHidden != null ? dHidden : kind.dHidden))
                    .output(unit ? org.latentcl.Gan.Output.SIGMOID : org.latentcl.Gan.Output.LINEAR)
                    .generatorBatchNorm(gBatchNorm != null ? gBatchNorm : kind.gBatchNorm).discriminatorMaxout(dMaxout != null ? dMaxout : kind.dMaxout)
                    .standardize(standardized).residualGenerator(residual);
        }
        Flags.batchFits(batch, train.rows());
        Path dir = run.freshRunDirectory("gan");
        // A thin layer over the public API: a device, a GAN, a trainer with the progress line as its listener.
        try (TrainingDevices devices = run.devices(); org.latentcl.Gan gan = builder.device(devices.lead()).build()) {
            console.printf(Locale.ROOT, "training %s on %s: %d examples%s, batch %d, lr %s (D %s)%s, beta1 %s, k %d, %s -> %s%n",
                    gan.architecture(), devices.describe(), train.rows(), heldOut(split), batch, Flags.number(lr), Flags.number(st.dLr()),
                    RunOptions.scheduleText(run.lrSchedule.toLowerCase(Locale.ROOT), run.warmupSteps), Flags.number(beta1), k,
                    Flags.count(epochs, "epoch"), dir);
            if (!kind.why.isEmpty()) {
                console.println(train.cols() + " features and no image shape: " + kind.why);
            }
            if (this.batch == null && batch < kind.batch) {
                console.printf(Locale.ROOT, "batches of %d: %d examples would give fewer than %d steps an epoch in batches of %d (docs/GAN.md)%n",
                        batch, train.rows(), GanKind.MLP_MIN_STEPS, batch * 2);
            }
            console.println("stabilizers (" + preset.toLowerCase(Locale.ROOT) + " preset): " + st.describe(gan.discriminatorStabilizers()));
            if (dcgan && st.generatorAverage() > 0f) {
                console.println("note: on the DCGAN the generator average measured a worse FID than the trained generator "
                        + "(its batch norm statistics belong to the trained weights; docs/GAN.md)");
            }
            console.println(dcgan ? "the DCGAN's generator ends in tanh: it trains on the data scaled to [-1, 1]"
                    : unit ? "the data lie in [0, 1], so the generator ends in a sigmoid"
                    : "the data are not in [0, 1], so the generator's output layer is linear"
                    + (gan.standardized() ? "; both networks work in the training data's standardized units" : ""));
            fit(console, devices, gan, split, GanTrainer.builder().epochs(epochs).batch(batch).learningRate(lr).beta1(beta1).k(k).seed(run.seed)
                    .discriminatorLearningRate(st.dLr()).realLabel(st.realLabel()).instanceNoise(st.instanceNoise()).evalEvery(evalEvery)
                    .learningRateDecay(st.lrDecay()).generatorAverage(st.generatorAverage()).learningRateSchedule(run.schedule())
                    .r1(st.r1()).r1Every(st.r1Every()).gradientPenalty(st.gradientPenalty()).fakesPerReal(st.fakesPerReal()).warmupSteps(run.warmupSteps).outputDirectory(dir).dataName(run.dataSpec()));
        }
        console.println(DoneLine.of(dir));
        return Main.EXIT_OK;
    }

    /** train gan --resume DIR: the run's own settings, networks and state, continued up to --epochs. */
    private int resume(PrintWriter console) throws IOException {
        for (String flag : RUN_SETTINGS) {
            if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                throw new UsageException(flag + " cannot change a resumed run (it keeps its own settings); leave it out of --resume");
            }
        }
        Flags.positive("--epochs", epochs);
        GanTrainer.Builder settings = GanTrainer.resuming(resume);
        settings.epochs(Flags.resumedEpochs(spec, resume, epochs));
        GanTrainer recorded = settings.build();
        run.checkKeeping(recorded.evalEvery() > 0);
        Path ckpt = resume.resolve(RunFiles.CHECKPOINT);
        CheckpointInfo info = Checkpoints.inspect(ckpt);
        DataSplit split = Datasets.load(info.data(), info.squareSide());
        try (TrainingDevices devices = run.devices(); org.latentcl.Gan gan = Checkpoints.loadGan(ckpt, devices.lead())) {
            console.printf(Locale.ROOT, "resuming %s on %s: %d examples%s, batch %d, lr %s (D %s)%s, up to %s -> %s%n",
                    gan.architecture(), devices.describe(), split.train().rows(), heldOut(split), recorded.batch(),
                    Flags.number(recorded.learningRate()), Flags.number(recorded.discriminatorLearningRate()),
                    RunOptions.scheduleText(recorded.schedule().name().toLowerCase(Locale.ROOT), recorded.warmupSteps()),
                    Flags.count(recorded.epochs(), "epoch"), resume);
            fit(console, devices, gan, split, settings);
        }
        console.println(DoneLine.of(resume));
        return Main.EXIT_OK;
    }

    /**
     * The data's test part, which the GAN does not train on (eval and --eval-every score against it): " (1000 test examples
     * apart: held-out 10%)", as the VAE's start line counts them.
     */
    private static String heldOut(DataSplit split) {
        return split.test().rows() == 0 ? "" : " (" + split.test().rows() + " test examples apart: " + split.testSource() + ")";
    }

    /** Trains through the public API with these settings, the command's devices and keeping, and the progress line as the listener. */
    private void fit(PrintWriter console, TrainingDevices devices, org.latentcl.Gan gan, DataSplit split, GanTrainer.Builder settings) {
        devices.apply(settings, run.balance).saveEvery(run.saveEvery).patience(run.patience).keepBest(run.keepBest).overwrite(true)
                .profile(run.profile).tensorboard(run.tensorboard).stopAfterSteps(run.stopAfterSteps())
                .shard(run.shardIndex(), run.shardCount());
        GanTrainer planned = settings.build();
        Progress progress = new Progress(console, run.quiet, planned.batch(), planned.epochs(), "d_loss");
        progress.catchInterrupts();
        GanTrainer trainer = settings.listener(progress.listener(console, m -> { }, m -> {
            console.printf(Locale.ROOT, "epoch %d/%d  d_loss %.3f  g_loss %.3f  D(x) %.3f  D(G(z)) %.3f  diversity %.2f%s  %.1f s  %.0f samples/s%n",
                    m.epoch(), planned.epochs(), m.dLoss(), m.gLoss(), m.dReal(), m.dFake(), m.diversity(),
                    Double.isFinite(m.fid()) ? String.format(Locale.ROOT, "  FID %.2f", m.fid()) : "", m.trainSeconds(), m.samplesPerS());
            for (String w : m.warnings()) {
                console.println("  warning: " + w);
            }
        })).build();
        // The whole data set trains the GAN, as before: its test part is not used.
        run.fitUntilStop(console, progress, () -> trainer.fit(gan, split));
    }
}
