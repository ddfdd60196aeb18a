package org.latentcl.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.latentcl.io.Json;
import org.latentcl.io.Safetensors;

/**
 * The run's files after a round of several tasks, and what each task starts the next round from.
 * Every task trained its part of the same batches ({@code train --shard h/N}) from the same starting
 * files, so the tasks end at the same position (epoch, step, optimizer steps, noise counter); the
 * driver then
 * <ul>
 *   <li>averages every float tensor of the checkpoint (parameters, batch-norm statistics, spectral-norm
 *   vectors, a generator's running average) and of the training state (Adam's moments), adding in task
 *   order and dividing by the number of tasks, so that a round gives the same bits every time;</li>
 *   <li>adds the epoch's loss sums so far over the tasks (each summed its own rows), and keeps the
 *   longest of their times;</li>
 *   <li>keeps everything else (whole-number tensors, the other metadata, metrics, pictures) from task 0,
 *   whose epoch ends ran on the averaged model.</li>
 * </ul>
 * Since the next round's tasks all start from the merged sums, only task 0 keeps them and the others
 * start the epoch's sums from zero ({@link #forTask}), so that adding the tasks' sums again counts
 * each row once.
 */
final class RoundAverage {
    static final String CHECKPOINT = "checkpoint.safetensors";
    static final String STATE = "state.safetensors";
    /** The metadata that must agree between the tasks: where each one's round ended. */
    private static final List<String> SAME_POSITION = List.of("epoch", "next_step", "rng_counter", "adam_steps", "adam_d_steps", "adam_g_steps");
    /** The loss sums of an interrupted epoch: a VAE's two numbers, a GAN's list. */
    private static final List<String> SUMMED = List.of("partial_recon", "partial_kl");
    private static final String SUMMED_LIST = "partial_stats";
    private static final String SECONDS = "partial_seconds";

    private RoundAverage() {
    }

    /** The merged run directory's files after the tasks' round (one task's files pass through unchanged). */
    static Map<String, byte[]> merge(List<Map<String, byte[]>> tasks) {
        if (tasks.size() == 1) {
            return tasks.get(0);
        }
        Map<String, byte[]> merged = new TreeMap<>(tasks.get(0));
        merged.put(CHECKPOINT, mergeFile(tasks, CHECKPOINT));
        merged.put(STATE, mergeFile(tasks, STATE));
        return merged;
    }

    /** The files task {@code task} starts the next round from: the merged ones, with an interrupted epoch's sums only in task 0's. */
    static Map<String, byte[]> forTask(Map<String, byte[]> files, int task) {
        if (task == 0 || !files.containsKey(STATE)) {
            return files;
        }
        Safetensors.Contents s = Safetensors.read(STATE, files.get(STATE));
        Map<String, String> meta = new LinkedHashMap<>(s.metadata());
        for (String key : SUMMED) {
            meta.computeIfPresent(key, (k, v) -> Float.toString(0f));
        }
        meta.computeIfPresent(SUMMED_LIST, (k, v) -> {
            List<String> zeros = new ArrayList<>();
            for (int i = 0; i < ((List<?>) Json.parse(v)).size(); i++) {
                zeros.add(Float.toString(0f));
            }
            return Json.write(zeros);
        });
        Map<String, byte[]> out = new TreeMap<>(files);
        out.put(STATE, Safetensors.encode(meta, List.copyOf(s.tensors().values())));
        return out;
    }

    private static byte[] mergeFile(List<Map<String, byte[]>> tasks, String name) {
        List<Safetensors.Contents> all = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            byte[] bytes = tasks.get(t).get(name);
            if (bytes == null) {
                throw new IllegalStateException("task " + t + " returned no " + name);
            }
            all.add(Safetensors.read("task " + t + "'s " + name, bytes));
        }
        Safetensors.Contents lead = all.get(0);
        Map<String, String> meta = new LinkedHashMap<>(lead.metadata());
        for (int t = 1; t < all.size(); t++) {
            Map<String, String> other = all.get(t).metadata();
            for (String key : SAME_POSITION) {
                if (!java.util.Objects.equals(meta.get(key), other.get(key))) {
                    throw new IllegalStateException("the tasks' rounds ended at different positions: " + key + " is " + meta.get(key)
                            + " in task 0's " + name + " but " + other.get(key) + " in task " + t + "'s");
                }
            }
        }
        for (String key : SUMMED) {
            if (meta.containsKey(key)) {
                float sum = 0f;
                for (Safetensors.Contents c : all) {
                    sum += Float.parseFloat(c.metadata().get(key));
                }
                meta.put(key, Float.toString(sum));
            }
        }
        if (meta.containsKey(SUMMED_LIST)) {
            float[] sum = new float[((List<?>) Json.parse(meta.get(SUMMED_LIST))).size()];
            for (Safetensors.Contents c : all) {
                List<?> values = (List<?>) Json.parse(c.metadata().get(SUMMED_LIST));
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += Float.parseFloat((String) values.get(i));
                }
            }
            List<String> text = new ArrayList<>();
            for (float v : sum) {
                text.add(Float.toString(v));
            }
            meta.put(SUMMED_LIST, Json.write(text));
        }
        if (meta.containsKey(SECONDS)) {
            double longest = 0;
            for (Safetensors.Contents c : all) {
                longest = Math.max(longest, Double.parseDouble(c.metadata().get(SECONDS)));
            }
            meta.put(SECONDS, Double.toString(longest));
        }
        List<Safetensors.Entry> tensors = new ArrayList<>();
        for (Safetensors.Entry e : lead.tensors().values()) {
            tensors.add(e.dtype().equals("F32") ? averaged(e, all) : e);
        }
        return Safetensors.encode(meta, tensors);
    }

    /** The tensor's mean over the tasks: added in task order, then divided by their number. */
    private static Safetensors.Entry averaged(Safetensors.Entry lead, List<Safetensors.Contents> all) {
        float[] sum = lead.data().clone();
        for (int t = 1; t < all.size(); t++) {
            Safetensors.Entry e = all.get(t).tensors().get(lead.name());
            if (e == null || e.data().length != sum.length) {
                throw new IllegalStateException("task " + t + "'s tensor " + lead.name() + " is missing or of another size");
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += e.data()[i];
            }
        }
        float n = all.size();
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= n;
        }
        return new Safetensors.Entry(lead.name(), lead.shape(), sum);
    }
}
