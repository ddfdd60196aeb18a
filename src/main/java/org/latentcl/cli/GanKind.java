package org.latentcl.cli;

import org.latentcl.data.Dataset;

/**
 * The kind of data a {@code train gan} run learns, which picks the networks and optimizer settings of its preset (flags
 * override each): low-dimensional points get the nets of the 2-D mixture benchmarks, images the MLP GAN or the DCGAN.
 * {@code --preset paper} keeps the 2014 GAN's MLP for points too.
 */
enum GanKind {
    /**
     * PacGAN's generator for the 2-D mixtures (Lin et al. 2018: 4 x 400 units, noise as wide as the data; LeakyReLU and no batch norm, which
     * measured better) made residual, G(z) = z + MLP(z), with both networks in the data's standardized units, so it starts at
     * the data's Gaussian fit; a discriminator of 3 x 512 LeakyReLU units on single points; batches of 25 (four times the
     * steps of PacGAN's 100 in an epoch): the 5x5 grid after 40 epochs 0 of 25 modes with PacGAN's nets and batches, about
     * 16 with these at Adam 2e-4 with beta1 0.5, and with four generated examples per real one (GanStabilizers) 21-25;
     * at Adam 2.5e-4 25 of 25 on seeds 1-3 on the Java backend (19, 21, 25 on PoCL), where 3e-4 lost one of the ring's 8
     * modes on one seed (docs/GAN.md).
     */
    POINTS(25, 0, "400,400,400,400", "512,512,512", false, 1, 2.5e-4f, 0.5f, true, true,
            "networks for low-dimensional points (a residual generator of PacGAN's shape, Lin et al. 2018, in the data's standardized units,"
            + " and a LeakyReLU discriminator; docs/GAN.md)"),
    /**
     * The MLP GAN on images (or on data of many features) under the default preset: batches of 64 (twice the steps of
     * the paper preset's 128 in an epoch) at Adam 3e-4: Fashion-MNIST's FID after 10 epochs 35.9-37.8 over three seeds,
     * against 37.9-42.2 at 2e-4 and 51-57 with batches of 128 (docs/GAN.md).
     */
    MLP(64, 64, "256,512", "512,256", false, 1, 3e-4f, 0.5f, false, false, ""),
    /** The 2014 GAN's MLP, as {@code train gan} trained before the presets ({@code --preset paper}). */
    MLP_PAPER(128, 64, "256,512", "512,256", false, 1, 2e-4f, 0.5f, false, false, ""),
    /**
     * The DCGAN under the default preset: Radford et al.'s nets and batch at Adam 3e-4: on the first 9,000 Fashion-MNIST
     * images, 5 epochs, FID 111.4, 98.9, 106.3 over three seeds against 116-134 for PyTorch's at 2e-4 (docs/GAN.md).
     */
    DCGAN(64, 100, null, null, false, 1, 3e-4f, 0.5f, false, false, ""),
    /** Radford et al.'s DCGAN as published, Adam 2e-4 ({@code --preset paper}). */
    DCGAN_PAPER(64, 100, null, null, false, 1, 2e-4f, 0.5f, false, false, "");

    /** Data with at most this many features and no image shape are points. */
    static final int POINTS_MAX_FEATURES = 16;

    /** Examples per step. */
    final int batch;
    /** The generator's input dimensions; 0: as many as the data has features (the residual generator adds its noise to its output). */
    final int noise;
    /** The MLP generator's hidden sizes (null for the DCGAN). */
    final String gHidden;
    /** The MLP discriminator's hidden sizes (null for the DCGAN). */
    final String dHidden;
    /** Whether the MLP generator has batch norm before its hidden activations. */
    final boolean gBatchNorm;
    /** The MLP discriminator's maxout pieces per unit (1: LeakyReLU). */
    final int dMaxout;
    /** Adam's learning rate of both networks. */
    final float lr;
    /** Adam's beta1. */
    final float beta1;
    /** Whether the networks work in the data's standardized units. */
    final boolean standardize;
    /** Whether the MLP generator is residual, where the noise is as wide as the data and the GAN unconditional. */
    final boolean residual;
    /** What the start of the run says about the choice; empty when there is nothing to say. */
    final String why;

    GanKind(int batch, int noise, String gHidden, String dHidden, boolean gBatchNorm, int dMaxout, float lr, float beta1, boolean standardize,
            boolean residual, String why) {
        this.batch = batch;
        this.noise = noise;
        this.gHidden = gHidden;
        this.dHidden = dHidden;
        this.gBatchNorm = gBatchNorm;
        this.dMaxout = dMaxout;
        this.lr = lr;
        this.beta1 = beta1;
        this.standardize = standardize;
        this.residual = residual;
        this.why = why;
    }

    /** The MLP GAN on images halves its batch (from {@link #batch}) until an epoch has at least this many steps. */
    static final int MLP_MIN_STEPS = 500;
    /** ... but not below this. */
    static final int MLP_MIN_BATCH = 16;

    /**
     * The default batch for {@code examples} training examples: the kind's, except for the MLP GAN on images, which halves
     * it while an epoch would have fewer than {@link #MLP_MIN_STEPS} steps, down to {@link #MLP_MIN_BATCH}: the embedded
     * digits (9,000 examples) train in batches of 16 (FID 157-162 after 20 epochs over three seeds, against 326 in batches of 64; docs/GAN.md),
     * Fashion-MNIST in batches of 64.
     */
    int batchFor(int examples) {
        int b = batch;
        if (this == MLP) {
            while (b > MLP_MIN_BATCH && examples / b < MLP_MIN_STEPS) {
                b /= 2;
            }
        }
        return b;
    }

    /** The kind of {@code train}'s data for the given architecture and preset. */
    static GanKind of(boolean dcgan, boolean paperPreset, Dataset train) {
        if (dcgan) {
            return paperPreset ? DCGAN_PAPER : DCGAN;
        }
        if (paperPreset) {
            return MLP_PAPER;
        }
        return !train.isImage() && train.cols() <= POINTS_MAX_FEATURES ? POINTS : MLP;
    }
}
