package org.latentcl.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentcl.io.Json;
import org.latentcl.io.Safetensors;
import org.latentcl.model.GanConfig;
import org.latentcl.model.GanNetwork;
import org.latentcl.nn.Adam;

/**
 * What a GAN run needs besides its checkpoint to continue exactly: state.safetensors with both
 * optimizers' moments and steps, the noise stream's position, the position inside an interrupted
 * epoch (its statistics, judgments and time so far), the generator's per-epoch losses (for the
 * warnings) and the run's options. The checkpoint holds the networks, batch norm's running
 * statistics and the spectral-norm vectors; the shuffle of epoch e depends only on (seed, e).
 */
final class GanResume {
    private GanResume() {
    }

    /**
     * Where a saved run stands.
     *
     * @param epoch          whole epochs done
     * @param rngCounter     the noise stream's position
     * @param nextStep       the first step of the next epoch still to run (0: none done)
     * @param partialStats   the interrupted epoch's statistics so far (null when nextStep is 0)
     * @param partialJudged  its judgments so far, discriminator and generator
     * @param partialSeconds its training time so far
     * @param gLosses        the generator's loss of every whole epoch
     */
    record State(int epoch, long rngCounter, int nextStep, float[] partialStats, long[] partialJudged, double partialSeconds,
                 List<Double> gLosses) {
    }

    /** The bytes of state.safetensors, written together with the checkpoint it continues. */
    static byte[] encodeState(GanTraining.Options opt, int epoch, State s, Adam adamD, Adam adamG) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", "gan");
        meta.put("epoch", Integer.toString(epoch));
        meta.put("batch", Integer.toString(opt.batch()));
        meta.put(RunFiles.TARGET_EPOCHS_KEY, Integer.toString(opt.epochs()));
        meta.put("options", Json.write(opt.toMap()));
        meta.put("rng_counter", Long.toString(s.rngCounter()));
        meta.put("adam_d_steps", Integer.toString(adamD.steps()));
        meta.put("adam_g_steps", Integer.toString(adamG.steps()));
        meta.put("g_losses", Json.write(s.gLosses().stream().map(d -> Double.isFinite(d) ? Double.toString(d) : "NaN").toList()));
        meta.put("next_step", Integer.toString(s.nextStep()));
        if (s.nextStep() > 0) {
            meta.put("partial_stats", Json.write(floats(s.partialStats())));
            long[] j = s.partialJudged();
            meta.put("partial_judged", j[0] + "," + j[1] + (j.length > 2 && j[2] > 0 ? "," + j[2] : ""));
            meta.put("partial_seconds", Double.toString(s.partialSeconds()));
        }
        float[][] d = adamD.state();
        float[][] g = adamG.state();
        return Safetensors.encode(meta, List.of(
                new Safetensors.Entry("adam_d.m", new int[] {d[0].length}, d[0]),
                new Safetensors.Entry("adam_d.v", new int[] {d[1].length}, d[1]),
                new Safetensors.Entry("adam_g.m", new int[] {g[0].length}, g[0]),
                new Safetensors.Entry("adam_g.v", new int[] {g[1].length}, g[1])));
    }

    private static List<String> floats(float[] v) {
        List<String> out = new ArrayList<>();
        for (float f : v) {
            out.add(Float.toString(f));
        }
        return out;
    }

    /** The options a run directory's state records (for {@code train gan --resume}). */
    static Map<?, ?> options(Path dir) {
        Path state = dir.resolve(RunFiles.STATE);
        if (!Files.isRegularFile(state) || !Files.isRegularFile(dir.resolve(RunFiles.CHECKPOINT))) {
            throw new IllegalArgumentException("cannot resume " + dir + ": it has no " + RunFiles.CHECKPOINT + " and " + RunFiles.STATE
                    + " of a GAN run");
        }
        Map<String, String> meta = Safetensors.read(state).metadata();
        if (!"gan".equals(meta.get("model")) || meta.get("options") == null) {
            throw new IllegalArgumentException("cannot resume " + dir + ": its " + RunFiles.STATE + " is not a GAN run's");
        }
        return (Map<?, ?>) Json.parse(meta.get("options"));
    }

    /** Loads the checkpoint into the lead GAN (and the generator average, when not null) and the optimizers' state; returns where the run stands. */
    static State restore(GanNetwork gan, Adam adamD, Adam adamG, GeneratorAverage average, GanTraining.Options opt) {
        Path dir = opt.out();
        Path ckpt = dir.resolve(RunFiles.CHECKPOINT);
        Path statePath = dir.resolve(RunFiles.STATE);
        options(dir);
        Safetensors.Contents c = Safetensors.read(ckpt);
        GanConfig saved = GanCheckpoint.config(c, ckpt);
        if (!saved.equals(gan.config())) {
            throw new IllegalArgumentException("cannot resume " + dir + ": its checkpoint is a " + saved + ", not a " + gan.config());
        }
        Safetensors.Contents s = Safetensors.read(statePath);
        CheckpointFiles.sameSave(dir, c, s);
        Map<String, String> meta = s.metadata();
        if (!Integer.toString(opt.batch()).equals(meta.get("batch"))) {
            throw new IllegalArgumentException("cannot resume " + dir + " with batch " + opt.batch() + ": the run was trained with batch "
                    + meta.get("batch"));
        }
        GanCheckpoint.load(gan, c, ckpt);
        if (average != null) {
            average.load(c, ckpt);
        }
        try {
            adamD.restore(moment(s, "adam_d.m", gan.discriminatorParameters().size()), moment(s, "adam_d.v", gan.discriminatorParameters().size()),
                    Integer.parseInt(meta.get("adam_d_steps")));
            adamG.restore(moment(s, "adam_g.m", gan.generatorParameters().size()), moment(s, "adam_g.v", gan.generatorParameters().size()),
                    Integer.parseInt(meta.get("adam_g_steps")));
            List<Double> gLosses = new ArrayList<>();
            for (Object o : (List<?>) Json.parse(meta.get("g_losses"))) {
                gLosses.add(Double.parseDouble((String) o));
            }
            int next = Integer.parseInt(meta.get("next_step"));
            float[] stats = null;
            long[] judged = null;
            double seconds = 0;
            if (next > 0) {
                List<?> l = (List<?>) Json.parse(meta.get("partial_stats"));
                // A run from before the gradient penalties kept four sums; the fifth is R1's, the sixth WGAN-GP's.
                stats = new float[Math.max(l.size(), GanNetwork.STATS)];
                for (int i = 0; i < l.size(); i++) {
                    stats[i] = Float.parseFloat((String) l.get(i));
                }
                String[] j = meta.get("partial_judged").split(",");
                // A run from before R1 kept two counts; the third is the real rows R1 penalized.
                judged = new long[] {Long.parseLong(j[0]), Long.parseLong(j[1]), j.length > 2 ? Long.parseLong(j[2]) : 0};
                seconds = Double.parseDouble(meta.get("partial_seconds"));
            }
            return new State(Integer.parseInt(meta.get("epoch")), Long.parseLong(meta.get("rng_counter")), next, stats, judged, seconds, gLosses);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(statePath + ": unreadable training state (" + e.getMessage() + ")");
        }
    }

    private static float[] moment(Safetensors.Contents s, String name, int size) {
        Safetensors.Entry e = s.tensors().get(name);
        if (e == null || e.data().length != size) {
            throw new IllegalArgumentException("optimizer moments " + name + " missing or of the wrong size");
        }
        return e.data();
    }

    /** The metrics of epochs 1..upTo in metrics.jsonl; later lines (from an interrupted epoch) are dropped from the file. */
    static List<GanEpochStats> readMetrics(Path file, int upTo) throws IOException {
        List<GanEpochStats> out = new ArrayList<>();
        for (Map<?, ?> m : MetricsFile.keepEpochs(file, upTo)) {
            List<String> warnings = new ArrayList<>();
            if (m.get("warnings") instanceof List<?> w) {
                w.forEach(x -> warnings.add(String.valueOf(x)));
            }
            out.add(new GanEpochStats(((Double) m.get("epoch")).intValue(), MetricsFile.num(m, "d_loss"), MetricsFile.num(m, "g_loss"),
                    MetricsFile.num(m, "d_real"), MetricsFile.num(m, "d_fake"), MetricsFile.num(m, "diversity"), MetricsFile.num(m, "fid"),
                    MetricsFile.num(m, "r1_penalty"), MetricsFile.num(m, "gradient_penalty"), MetricsFile.num(m, "train_seconds"), MetricsFile.num(m, "samples_per_s"), String.valueOf(m.get("device")), warnings,
                    MetricsFile.buffers(m), MetricsFile.peakMib(m)));
        }
        return out;
    }
}
