package org.latentcl.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.latentcl.CheckpointInfo;
import org.latentcl.Checkpoints;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.Gan;
import org.latentcl.ImageGrid;
import org.latentcl.Model;
import org.latentcl.Vae;
import org.latentcl.data.Npy;
import org.latentcl.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sample}: draws from a trained model's prior and decodes them. */
@Command(name = "sample", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Draw samples from a trained VAE (decoded prior draws) or GAN (G(z)) into a .png grid, or the values into .npy or .csv.")
final class SampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, description = "A checkpoint.safetensors written by train.")
    Path checkpoint;

    @Option(names = "--n", description = "How many samples (default 64); with several classes of a conditional model, how many of each (default 8).")
    Integer n;

    @Option(names = "--class", paramLabel = "K", description = "A conditional model: draw only class K.")
    Integer classK;

    @Option(names = "--classes", paramLabel = "LIST", description = "A conditional model: these classes, comma-separated, one grid row each (default: every class).")
    String classList;

    @Option(names = "--interpolate", arity = "0..1", fallbackValue = "10", paramLabel = "STEPS", description = "Walks between two prior "
            + "draws instead: STEPS points (default 10) along the arc from one to the other (spherical interpolation), one grid row a walk; "
            + "--n walks (default 8; with several classes of a conditional model, 1 of each).")
    Integer interpolate;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the prior draws.")
    long seed;

    @Option(names = "--temperature", defaultValue = "1", paramLabel = "T", description = "Draw the codes (a VAE) or the noise (a GAN) "
            + "from N(m, T^2 I): below 1 each sample is more typical of its class and they vary less (reduced temperature; "
            + "BigGAN's truncation trick); 1 is the prior.")
    float temperature;

    @Option(names = "--out", required = true, description = "Output file: .png (a grid), .npy (float32: [n, C, H, W] for images, see --layout; else [n, D]) or .csv.")
    Path out;

    @Option(names = "--layout", defaultValue = "nchw", description = "The shape of an image model's .npy: nchw ([n, C, H, W], as PyTorch "
            + "holds images), nhwc ([n, H, W, C], as NumPy and TensorFlow images) or flat ([n, C H W]).")
    String layout;

    @Option(names = "--device", defaultValue = "auto", description = "auto, java, cl:N or part of a device name.")
    String device;

    @Option(names = "--generator", paramLabel = "WHICH", description = "A GAN: average (the generator average of --g-ema, "
            + "as StyleGAN samples G_ema) or trained (the generator the optimizer stepped). Default: the average where the "
            + "checkpoint holds one.")
    String generator;

    @Override
    public Integer call() throws IOException {
        if (classK != null && classList != null) {
            throw new UsageException("--class and --classes cannot be used together");
        }
        if (n != null) {
            Flags.positive("--n", n);
        }
        Flags.positive("--temperature", temperature);
        if (interpolate != null && temperature != 1f) {
            throw new UsageException("--temperature applies to draws, not to --interpolate's walks");
        }
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".png") && !name.endsWith(".npy") && !name.endsWith(".csv")) {
            throw new UsageException("--out must end in .png, .npy or .csv, got " + out);
        }
        String shapeOfNpy = layout.toLowerCase(Locale.ROOT);
        if (!shapeOfNpy.equals("nchw") && !shapeOfNpy.equals("nhwc") && !shapeOfNpy.equals("flat")) {
            throw new UsageException("--layout must be nchw, nhwc or flat, got '" + layout + "'");
        }
        Boolean average = null;
        if (generator != null) {
            average = switch (generator.toLowerCase(Locale.ROOT)) {
                case "average" -> true;
                case "trained" -> false;
                default -> throw new UsageException("--generator must be average or trained, got '" + generator + "'");
            };
        }
        CheckpointInfo info = Checkpoints.inspect(checkpoint);
        if (average != null && !info.model().equals("gan")) {
            throw new UsageException("--generator chooses a GAN's generator; " + checkpoint + " holds a " + info.model().toUpperCase(Locale.ROOT));
        }
        int[] drawn = classesToDraw(info.classes());
        if (interpolate != null && interpolate < 2) {
            throw new UsageException("--interpolate takes at least 2 points a walk, got " + interpolate);
        }
        int per = n != null ? n : interpolate != null ? (drawn != null && drawn.length > 1 ? 1 : 8) : drawn != null && drawn.length > 1 ? 8 : 64;
        int walks = per * (drawn == null ? 1 : drawn.length);
        int[] walkClasses = drawn == null ? null : new int[walks];
        for (int w = 0; walkClasses != null && w < walks; w++) {
            walkClasses[w] = drawn[w / per];
        }
        int total = interpolate != null ? walks * interpolate : per * (drawn == null ? 1 : drawn.length);
        int d = info.features();
        try (Device dev = Devices.get(device);
             Model model = average == null ? Checkpoints.load(checkpoint, dev) : Checkpoints.loadGan(checkpoint, dev, average)) {
            float[][] x = interpolate != null ? walks(model, walks, walkClasses) : byClass(model, per, drawn);
            if (name.endsWith(".png")) {
                int[] shape = ModelFiles.imageShape(info);
                if (shape == null) {
                    throw new UsageException("the model's " + d + " features are not an image; write .npy or .csv instead");
                }
                int cols = interpolate != null ? interpolate : drawn != null && drawn.length > 1 ? per : (int) Math.ceil(Math.sqrt(total));
                ImageGrid.writePng(x, shape[0], shape[1], shape[2], cols, out);
            } else if (name.endsWith(".npy")) {
                int[] image = info.isImage() ? new int[] {info.channels(), info.height(), info.width()} : null;
                AtomicFiles.write(out, npy(flat(x, d), total, d, image, shapeOfNpy));
            } else {
                StringBuilder sb = new StringBuilder();
                for (float[] row : x) {
                    for (int j = 0; j < d; j++) {
                        if (j > 0) {
                            sb.append(',');
                        }
                        sb.append(row[j]);
                    }
                    sb.append('\n');
                }
                AtomicFiles.write(out, sb.toString().getBytes(StandardCharsets.UTF_8));
            }
            String what = interpolate != null ? Flags.count(walks, "walk") + " of " + interpolate + " points (" + total + " samples)"
                    : total + " samples";
            spec.commandLine().getOut().println("wrote " + what + " to " + out
                    + (drawn == null ? "" : drawn.length == 1 ? " (class " + drawn[0] + ")" : " (" + per + " of each class in " + Flags.list(drawn) + ")"));
        }
        return Main.EXIT_OK;
    }

    /** {@code per} draws of each class in {@code classes} in turn, each class's from the same seed (per draws when classes is null). */
    private float[][] byClass(Model model, int per, int[] classes) {
        if (classes == null) {
            return draw(model, per, null);
        }
        float[][] x = new float[classes.length * per][];
        int[] same = new int[per];
        for (int k = 0; k < classes.length; k++) {
            java.util.Arrays.fill(same, classes[k]);
            System.arraycopy(draw(model, per, same), 0, x, k * per, per);
        }
        return x;
    }

    private float[][] draw(Model model, int count, int[] classes) {
        return model instanceof Vae vae ? vae.sample(count, classes, seed, temperature) : ((Gan) model).generate(count, classes, seed, temperature);
    }

    private float[][] walks(Model model, int walks, int[] classes) {
        return model instanceof Vae vae ? vae.interpolate(walks, interpolate, classes, seed) : ((Gan) model).interpolate(walks, interpolate, classes, seed);
    }

    /** The rows one after another. */
    private static float[] flat(float[][] x, int d) {
        float[] out = new float[x.length * d];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], 0, out, i * d, d);
        }
        return out;
    }

    /**
     * The samples as a .npy: [n, C, H, W] for an image model (its NCHW values as they are), [n, H, W, C] with nhwc, [n, D]
     * for rows of numbers or with flat.
     */
    static byte[] npy(float[] x, int n, int d, int[] image, String layout) {
        if (image == null || layout.equals("flat")) {
            return Npy.encode(x, n, d);
        }
        int ch = image[0];
        int plane = image[1] * image[2];
        if (layout.equals("nchw")) {
            return Npy.encode(x, new int[] {n, ch, image[1], image[2]});
        }
        float[] hwc = new float[x.length];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < ch; c++) {
                for (int p = 0; p < plane; p++) {
                    hwc[i * d + p * ch + c] = x[i * d + c * plane + p];
                }
            }
        }
        return Npy.encode(hwc, new int[] {n, image[1], image[2], ch});
    }

    /** The classes to draw, in order: null for an unconditional model, else --class, --classes or every class. */
    private int[] classesToDraw(int classes) {
        if (classes == 0) {
            if (classK != null || classList != null) {
                throw new UsageException(checkpoint + " is not a conditional model, so it takes no --class or --classes");
            }
            return null;
        }
        int[] drawn;
        if (classK != null) {
            drawn = new int[] {classK};
        } else if (classList != null) {
            drawn = Flags.classes("--classes", classList);
        } else {
            drawn = java.util.stream.IntStream.range(0, classes).toArray();
        }
        for (int k : drawn) {
            if (k < 0 || k >= classes) {
                throw new UsageException("class " + k + " is outside the model's " + classes + " classes 0.." + (classes - 1));
            }
        }
        return drawn;
    }
}
