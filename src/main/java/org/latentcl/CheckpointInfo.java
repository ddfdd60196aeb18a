package org.latentcl;

/**
 * What a checkpoint holds, read and checked on the host before any device opens
 * ({@link Checkpoints#inspect}): which model, its shape of data, its classes and what it was
 * trained on, so that a program can choose data and outputs before it loads the model.
 *
 * @param model    {@code "vae"} or {@code "gan"}
 * @param features values per example the model reads (a VAE) or writes (a GAN)
 * @param classes  the classes of a conditional model, 0 for an unconditional one
 * @param channels the image channels: a convolutional model's, or those its training run recorded; 0 when not images
 * @param height   the image height, likewise; 0 when not images
 * @param width    the image width, likewise; 0 when not images
 * @param data     the data the model was trained on, as {@code --data} names it ({@code default} when the checkpoint does not say)
 */
public record CheckpointInfo(String model, int features, int classes, int channels, int height, int width, String data) {
    /**
     * Whether the image shape is known: a convolutional model's, or one a training run recorded (an MLP saved by
     * {@link Checkpoints#save}, or trained before LatentCL recorded shapes, may hold images without one).
     *
     * @return true for image data
     */
    public boolean isImage() {
        return height > 0 && width > 0;
    }

    /**
     * The side of the model's images when they are square (what {@code --image-size} made them), else 0: data of another
     * size must be resized to it, as training did.
     *
     * @return the side, or 0
     */
    public int squareSide() {
        return height == width ? height : 0;
    }
}
