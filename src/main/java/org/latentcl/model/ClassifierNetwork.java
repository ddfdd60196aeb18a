package org.latentcl.model;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.SoftmaxCrossEntropy;
import org.latentcl.backend.ops.Sum;
import org.latentcl.nn.ActivationLayer;
import org.latentcl.nn.Conv2d;
import org.latentcl.nn.Gradient;
import org.latentcl.nn.Layer;
import org.latentcl.nn.Linear;
import org.latentcl.nn.ParamSpec;
import org.latentcl.nn.Parameters;
import org.latentcl.nn.Sequential;

/**
 * The small convolutional classifier whose penultimate features the sample metrics compare (the
 * role Inception-v3 plays for FID on ImageNet-like images): LeNet-like, two stride-2 convolutions
 * and a linear layer to {@link #FEATURES} features, then a linear layer to the classes.
 * <pre>
 *   cls.0 Conv2d(C, 32, 4, 2, 1), cls.1 ReLU, cls.2 Conv2d(32, 64, 4, 2, 1), cls.3 ReLU,
 *   (flatten) cls.4 Linear(64 H/4 W/4, 128) + ReLU (cls.5)      -> the features
 *   cls.6 Linear(128, classes)                                    -> the logits
 * </pre>
 */
public final class ClassifierNetwork implements AutoCloseable {
    /** Features per example in the penultimate layer. */
    public static final int FEATURES = 128;

    private final Backend be;
    private final ImageShape image;
    private final int classes;
    private final int maxBatch;
    private final Sequential features;
    private final Sequential head;
    private final Parameters params;
    private final Tensor losses;

    /** A classifier of images of the given shape (sides of at least 4) into {@code classes} classes, for batches of up to maxBatch. */
    public ClassifierNetwork(Backend be, ImageShape image, int classes, int maxBatch) {
        if (image.height() < 4 || image.width() < 4 || classes < 2) {
            throw new IllegalArgumentException("the classifier needs images of at least 4x4 and two classes, got " + image + " and "
                    + classes + " class(es)");
        }
        this.be = be;
        this.image = image;
        this.classes = classes;
        this.maxBatch = maxBatch;
        List<Layer> layers = new ArrayList<>();
        Conv2d c0 = new Conv2d("cls.0", image.channels(), 32, image.height(), image.width(), 4, 2, 1, maxBatch);
        int h = (image.height() + 2 - 4) / 2 + 1;
        int w = (image.width() + 2 - 4) / 2 + 1;
        layers.add(c0);
        layers.add(new ActivationLayer("cls.1", Activation.RELU, c0.outputSize()));
        Conv2d c2 = new Conv2d("cls.2", 32, 64, h, w, 4, 2, 1, maxBatch);
        layers.add(c2);
        layers.add(new ActivationLayer("cls.3", Activation.RELU, c2.outputSize()));
        layers.add(new Linear("cls.4", c2.outputSize(), FEATURES));
        layers.add(new ActivationLayer("cls.5", Activation.RELU, FEATURES));
        features = new Sequential(layers, maxBatch);
        head = new Sequential(List.of(new Linear("cls.6", FEATURES, classes)), maxBatch);
        List<ParamSpec> specs = new ArrayList<>(features.specs());
        specs.addAll(head.specs());
        params = new Parameters(be, specs);
        features.bind(params);
        head.bind(params);
        losses = be.zeros(maxBatch, 1);
    }

    public Backend backend() {
        return be;
    }

    public ImageShape image() {
        return image;
    }

    public int classes() {
        return classes;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public Parameters parameters() {
        return params;
    }

    /** PyTorch's nn.Conv2d and nn.Linear initialization, from the Philox stream of {@code seed}. */
    public void initialize(long seed) {
        params.initialize(seed);
    }

    /** The penultimate features of the rows of x (b x FEATURES, valid until the next pass). */
    public Tensor features(Tensor x) {
        return features.forward(x, false);
    }

    /** The logits of the features {@link #features} returned (b x classes, valid until the next pass). */
    public Tensor logits(Tensor features) {
        return head.forward(features, false);
    }

    /**
     * The gradients of the mean cross-entropy of the batch x with its labels (b x 1, class indices
     * as floats); adds the sum of the losses to stats[index].
     */
    public void gradients(Tensor x, Tensor labels, Tensor stats, int index) {
        int b = x.rows();
        Tensor f = features.forward(x, true);
        Tensor logits = head.forward(f, true);
        Tensor rowLosses = losses.rowRange(0, b);
        SoftmaxCrossEntropy.crossEntropy(be, logits, labels, 1f / b, head.outputGrad(b), rowLosses);
        Sum.sum(be, rowLosses, stats, index, true);
        Gradient df = head.backward(f, head.outputGradient(b), false, true);
        features.backward(x, df, false, false);
    }

    @Override
    public void close() {
        features.close();
        head.close();
        params.close();
        losses.close();
    }
}
