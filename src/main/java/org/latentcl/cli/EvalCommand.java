package org.latentcl.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.latentcl.backend.Backend;
import org.latentcl.backend.DeviceSelector;
import org.latentcl.backend.Tensor;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Datasets;
import org.latentcl.model.Vae;
import org.latentcl.nn.RandomStream;
import org.latentcl.train.Json;
import org.latentcl.train.Safetensors;
import org.latentcl.train.VaeEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eval}: test-set measures of a trained model, as one JSON object. */
@Command(name = "eval", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Print the test -ELBO of a trained VAE and, with --iwae K, the importance-weighted estimate of -log p(x), "
                + "in nats per example, as one JSON object.")
final class EvalCommand implements Callable<Integer> {
    /** Rows per IWAE chunk when K is small (K samples of each of several examples). */
    private static final int IWAE_ROWS = 2048;

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, description = "A checkpoint.safetensors written by train.")
    Path checkpoint;

    @Option(names = "--data", description = "Data whose test split is used (default: the data the model was trained on).")
    String data;

    @Option(names = "--iwae", defaultValue = "0", description = "Importance samples K for the IWAE estimate (0: none).")
    int iwae;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the evaluation noise.")
    long seed;

    @Option(names = "--device", defaultValue = "auto", description = "auto, java, cl:N or part of a device name.")
    String device;

    @Override
    public Integer call() {
        if (iwae < 0) {
            throw new UsageException("--iwae must be 0 (off) or a positive number of samples, got " + iwae);
        }
        Safetensors.Contents c = Safetensors.read(checkpoint);
        String dataSpec = data != null ? data : c.metadata().getOrDefault("data", "default");
        DataSplit split = Datasets.load(dataSpec);
        int maxBatch = iwae > 0 ? Math.max(iwae, IWAE_ROWS / iwae * iwae) : 1000;
        try (Backend be = DeviceSelector.open(device); Vae vae = ModelFiles.loadVae(be, c, checkpoint, maxBatch)) {
            if (split.test().cols() != vae.config().input()) {
                throw new UsageException("data " + dataSpec + " has " + split.test().cols() + " features but the model takes "
                        + vae.config().input());
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("checkpoint", checkpoint.toString());
            result.put("data", dataSpec);
            result.put("examples", split.test().rows());
            try (Tensor x = be.upload(split.test().values(), split.test().rows(), split.test().cols())) {
                double[] elbo = VaeEvaluation.elbo(vae, x, new RandomStream(seed, 0));
                result.put("test_loss", elbo[0]);
                result.put("recon", elbo[1]);
                result.put("kl", elbo[2]);
                if (iwae > 0) {
                    result.put("iwae_k", iwae);
                    result.put("iwae_nll", VaeEvaluation.iwae(vae, x, iwae, new RandomStream(seed, 1L << 40)));
                }
            }
            result.put("device", be.name());
            spec.commandLine().getOut().println(Json.write(result));
        }
        return Main.EXIT_OK;
    }
}
