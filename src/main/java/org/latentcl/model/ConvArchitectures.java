package org.latentcl.model;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.nn.ActivationLayer;
import org.latentcl.nn.BatchNorm2d;
import org.latentcl.nn.Conv2d;
import org.latentcl.nn.ConvTranspose2d;
import org.latentcl.nn.Layer;
import org.latentcl.nn.MinibatchStdLayer;
import org.latentcl.nn.Linear;
import org.latentcl.nn.Sequential;

/**
 * The convolutional networks, layer by layer, with PyTorch's nn.Sequential indices as parameter
 * names (activations and flattens take an index without parameters), so that checkpoints load into
 * the modules of {@code torch_ref.py}:
 * <ul>
 * <li>conv VAE: enc = [Conv2d(c, w1, 4, 2, 1), ReLU, Conv2d(w1, w2, 4, 2, 1), ReLU, ..., Flatten],
 *     dec = [Linear(latent, wk h w), ReLU, Unflatten, ConvTranspose2d(wk, wk-1, 4, 2, 1), ReLU, ...,
 *     ConvTranspose2d(w1, c, 4, 2, 1)] (logits or means);
 * <li>DCGAN at 28x28: pytorch/examples' C++ DCGAN (generator 1 -> 4 -> 7 -> 14 -> 28 with a 3x3
 *     stride-2 step, discriminator 28 -> 14 -> 7 -> 3 -> 1);
 * <li>DCGAN at 4 2^m (16, 32, 64, 128): pytorch/examples' 64x64 DCGAN with m blocks instead of its
 *     fixed four, widths doubling away from the image.
 * </ul>
 */
public final class ConvArchitectures {
    /** The DCGAN's LeakyReLU slope and the N(0, 0.02) weights of Radford et al. (2016). */
    public static final float DCGAN_SLOPE = 0.2f;

    private ConvArchitectures() {
    }

    /** Refuses an image that the conv VAE's stride-2 steps cannot halve exactly, naming the sizes that work. */
    static void checkConvVae(ImageShape image, int[] widths) {
        if (widths.length == 0) {
            throw new IllegalArgumentException("a convolutional VAE needs at least one channel width");
        }
        int step = 1 << widths.length;
        if (image.height() % step != 0 || image.width() % step != 0) {
            throw new IllegalArgumentException("a convolutional VAE with " + widths.length + " stride-2 layers takes images whose sides are"
                    + " multiples of " + step + ", not " + image.height() + "x" + image.width());
        }
    }

    /** The image sides a DCGAN takes: 28 (pytorch/examples' MNIST model) or 4 2^m for m = 2..5. */
    public static boolean dcganTakes(ImageShape image) {
        int side = image.height();
        return image.width() == side && (side == 28 || side == 16 || side == 32 || side == 64 || side == 128);
    }

    static void checkDcgan(ImageShape image) {
        if (!dcganTakes(image)) {
            throw new IllegalArgumentException("the DCGAN takes square images of side 28, 16, 32, 64 or 128, not "
                    + image.height() + "x" + image.width() + " (use --image-size to resize)");
        }
    }

    static Sequential convEncoder(ImageShape image, int[] widths, int maxBatch) {
        List<Layer> layers = new ArrayList<>();
        int c = image.channels();
        int h = image.height();
        int w = image.width();
        for (int i = 0; i < widths.length; i++) {
            Conv2d conv = new Conv2d("enc." + 2 * i, c, widths[i], h, w, 4, 2, 1, maxBatch);
            layers.add(conv);
            layers.add(new ActivationLayer("enc." + (2 * i + 1), Activation.RELU, conv.outputSize()));
            c = widths[i];
            h /= 2;
            w /= 2;
        }
        return new Sequential(layers, maxBatch);
    }

    /** Values the conv VAE's encoder gives per example: the last width times the image shrunk by 2^widths. */
    static int convFeatures(ImageShape image, int[] widths) {
        int step = 1 << widths.length;
        return widths[widths.length - 1] * (image.height() / step) * (image.width() / step);
    }

    static Sequential convDecoder(ImageShape image, int[] widths, int latent, int maxBatch) {
        List<Layer> layers = new ArrayList<>();
        int k = widths.length;
        int h = image.height() >> k;
        int w = image.width() >> k;
        // dec.0 Linear and its ReLU dec.1 (which Sequential fuses into it); dec.2 is the Unflatten, which NCHW rows need no step for.
        int features = convFeatures(image, widths);
        layers.add(new Linear("dec.0", latent, features));
        layers.add(new ActivationLayer("dec.1", Activation.RELU, features));
        int index = 3;
        for (int j = k - 1; j >= 0; j--) {
            int out = j == 0 ? image.channels() : widths[j - 1];
            ConvTranspose2d up = new ConvTranspose2d("dec." + index, widths[j], out, h, w, 4, 2, 1, 0, maxBatch);
            layers.add(up);
            h *= 2;
            w *= 2;
            if (j > 0) {
                layers.add(new ActivationLayer("dec." + (index + 1), Activation.RELU, up.outputSize()));
            }
            index += 2;
        }
        return new Sequential(layers, maxBatch);
    }

    /** The DCGAN generator: noise (noise x 1 x 1) to an image in [-1, 1] (tanh), batch norm and ReLU between. */
    static Sequential dcganGenerator(ImageShape image, int noise, int ngf, int maxBatch) {
        checkDcgan(image);
        List<Layer> layers = new ArrayList<>();
        int side = image.height();
        int[] widths;
        int[] kernels;
        if (side == 28) {
            widths = new int[] {4 * ngf, 2 * ngf, ngf};
            kernels = new int[] {4, 3, 4};
        } else {
            int blocks = Integer.numberOfTrailingZeros(side) - 2; // side = 4 * 2^blocks
            widths = new int[blocks];
            kernels = new int[blocks];
            for (int i = 0; i < blocks; i++) {
                widths[i] = ngf << (blocks - 1 - i);
                kernels[i] = 4;
            }
        }
        int c = noise;
        int h = 1;
        for (int i = 0; i < widths.length; i++) {
            ConvTranspose2d up = i == 0
                    ? new ConvTranspose2d("gen." + layers.size(), c, widths[i], 1, 1, 4, 1, 0, 0, maxBatch)
                    : new ConvTranspose2d("gen." + layers.size(), c, widths[i], h, h, kernels[i], 2, 1, 0, maxBatch);
            layers.add(up.withoutBias());
            h = i == 0 ? 4 : (h - 1) * 2 - 2 + kernels[i];
            layers.add(new BatchNorm2d("gen." + layers.size(), widths[i], h * h));
            layers.add(new ActivationLayer("gen." + layers.size(), Activation.RELU, up.outputSize()));
            c = widths[i];
        }
        ConvTranspose2d last = new ConvTranspose2d("gen." + layers.size(), c, image.channels(), h, h, 4, 2, 1, 0, maxBatch).withoutBias();
        layers.add(last);
        layers.add(new ActivationLayer("gen." + layers.size(), Activation.TANH, last.outputSize()));
        return new Sequential(layers, maxBatch);
    }

    /**
     * The DCGAN discriminator: an image to one logit, batch norm (after the first layer) and
     * LeakyReLU(0.2) between; judging {@code pack} images at once (their channels concatenated, as
     * PacGAN does), with the minibatch standard-deviation channel before the last convolution when
     * {@code minibatchStd}.
     */
    static Sequential dcganDiscriminator(ImageShape image, int ndf, int pack, boolean minibatchStd, boolean batchNorm, int maxBatch) {
        checkDcgan(image);
        List<Layer> layers = new ArrayList<>();
        int side = image.height();
        int blocks = side == 28 ? 3 : Integer.numberOfTrailingZeros(side) - 2;
        int c = image.channels() * pack;
        int h = side;
        Activation leaky = Activation.leakyRelu(DCGAN_SLOPE);
        for (int i = 0; i < blocks; i++) {
            int out = ndf << i;
            // Radford et al.'s convolutions have no bias: the first is followed by none, the others by batch norm's shift;
            // without batch norm, those take a bias of their own.
            boolean normalized = i > 0 && batchNorm;
            Conv2d conv = new Conv2d("disc." + layers.size(), c, out, h, h, 4, 2, 1, maxBatch);
            layers.add(i == 0 || normalized ? conv.withoutBias() : conv);
            h = (h + 2 - 4) / 2 + 1;
            if (normalized) {
                layers.add(new BatchNorm2d("disc." + layers.size(), out, h * h));
            }
            layers.add(new ActivationLayer("disc." + layers.size(), leaky, conv.outputSize()));
            c = out;
        }
        if (minibatchStd) {
            layers.add(new MinibatchStdLayer("disc." + layers.size(), c * h * h, h * h, maxBatch));
            c++;
        }
        // The last convolution covers the whole remaining map (3x3 at 28, 4x4 otherwise): one logit.
        layers.add(new Conv2d("disc." + layers.size(), c, 1, h, h, h, 1, 0, maxBatch).withoutBias());
        return new Sequential(layers, maxBatch);
    }
}
