package org.latentcl.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.latentcl.io.Json;

/**
 * One run directory as the table of runs shows it: what was trained on what, how far it got, its latest metrics and
 * warnings, whether it is still running, its pictures, and whatever could not be read.
 *
 * @param name      the directory's name under the runs folder
 * @param model     vae, gan, classifier (from the checkpoint), or "" before the first checkpoint
 * @param arch      mlp, conv or dcgan
 * @param data      the data it was trained on
 * @param device    the device of the latest epoch
 * @param settings  the stabilizers and options worth a column (GAN: loss, R1, WGAN-GP, average, spectral norm, ...)
 * @param epochs    epochs done (metrics lines)
 * @param target    the epochs asked for, 0 when unknown
 * @param latest    the latest epoch's metrics line
 * @param warnings  the latest epoch's warnings
 * @param running   whether training looks alive: fewer epochs than asked and a file written in the last minutes
 * @param samples   the epochs with a samples-epoch-N.png, ascending
 * @param pictures  other pictures and files of the run (PNG, trace.json)
 * @param problems  what could not be read
 */
public record RunSummary(String name, String model, String arch, String data, String device, Map<String, Object> settings, int epochs,
                         int target, Map<?, ?> latest, List<String> warnings, boolean running, List<Integer> samples, List<String> pictures,
                         List<String> problems) {
    /** How recently a file of an unfinished run must have changed for the run to count as running. */
    static final long ALIVE_SECONDS = 600;
    private static final Pattern SAMPLES = Pattern.compile("samples-epoch-(\\d+)\\.png");

    /**
     * Whether dir looks like a run directory: it holds any of the files training writes after an epoch, or it is a
     * folder created in the last {@link #ALIVE_SECONDS} (a run in its first epoch, which writes nothing until it ends).
     */
    static boolean isRun(Path dir) {
        if (Files.isRegularFile(dir.resolve("metrics.jsonl")) || Files.isRegularFile(dir.resolve("checkpoint.safetensors"))
                || Files.isRegularFile(dir.resolve("state.safetensors"))) {
            return true;
        }
        try {
            return System.currentTimeMillis() - Files.getLastModifiedTime(dir).toMillis() < ALIVE_SECONDS * 1000;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The runs directly under a folder.
     *
     * @param root the runs folder
     * @return its runs, the most recently written first; none when the folder is missing
     */
    public static List<RunSummary> scan(Path root) {
        List<RunSummary> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(Files::isDirectory).filter(RunSummary::isRun).toList();
        } catch (IOException e) {
            return out;
        }
        for (Path d : dirs) {
            out.add(of(d));
        }
        out.sort((a, b) -> Long.compare(modified(root.resolve(b.name())), modified(root.resolve(a.name()))));
        return out;
    }

    /**
     * Reads one run directory, whatever state its files are in.
     *
     * @param dir the run directory
     * @return its summary
     */
    public static RunSummary of(Path dir) {
        List<String> problems = new ArrayList<>();
        MetricsLines metrics = MetricsLines.read(dir.resolve("metrics.jsonl"));
        problems.addAll(metrics.problems());
        CheckpointHeader.Read ckpt = CheckpointHeader.metadata(dir.resolve("checkpoint.safetensors"));
        CheckpointHeader.Read state = CheckpointHeader.metadata(dir.resolve("state.safetensors"));
        for (CheckpointHeader.Read r : List.of(ckpt, state)) {
            if (r.problem() != null) {
                problems.add(r.problem());
            }
        }
        Map<?, ?> config = object(ckpt.metadata().get("config"));
        Map<?, ?> options = object(state.metadata().get("options"));
        String model = ckpt.metadata().getOrDefault("model", state.metadata().getOrDefault("model", ""));
        String arch = config.get("arch") instanceof String a ? a : "mlp";
        Map<?, ?> latest = metrics.lines().isEmpty() ? Map.of() : metrics.lines().get(metrics.lines().size() - 1);
        List<String> warnings = new ArrayList<>();
        if (latest.get("warnings") instanceof List<?> w) {
            w.forEach(x -> warnings.add(String.valueOf(x)));
        }
        int epochs = latest.get("epoch") instanceof Double e ? e.intValue() : 0;
        int target = integer(state.metadata().get("epochs"));
        boolean running = (target == 0 || epochs < target) && System.currentTimeMillis() - modified(dir) < ALIVE_SECONDS * 1000;
        List<Integer> samples = new ArrayList<>();
        List<String> pictures = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.sorted().toList()) {
                String n = f.getFileName().toString();
                Matcher m = SAMPLES.matcher(n);
                if (m.matches()) {
                    samples.add(Integer.parseInt(m.group(1)));
                } else if (n.endsWith(".png") || n.equals("trace.json") || n.endsWith(".txt")) {
                    pictures.add(n);
                }
            }
        } catch (IOException e) {
            problems.add("the run's files cannot be listed (" + e.getMessage() + ")");
        }
        samples.sort(null);
        String data = ckpt.metadata().getOrDefault("data", options.get("data") instanceof String d ? d : "");
        String device = latest.get("device") instanceof String d ? d : "";
        return new RunSummary(dir.getFileName().toString(), model, arch, data, device, settings(model, config, options), epochs, target,
                latest, warnings, running, samples, pictures, problems);
    }

    /** The settings a comparison of runs turns on, in a fixed order, leaving out those at their off values. */
    static Map<String, Object> settings(String model, Map<?, ?> config, Map<?, ?> options) {
        Map<String, Object> s = new LinkedHashMap<>();
        if (config.get("classes") instanceof Double c) {
            s.put("classes", c.intValue());
            if ("concat".equals(config.get("conditioning"))) {
                s.put("conditioning", "concat");
            }
            if (config.get("aux_weight") instanceof Double a) {
                s.put("aux_classifier", a);
            }
        }
        if ("gan".equals(model)) {
            put(s, "loss", config.get("loss"));
            if (Boolean.TRUE.equals(config.get("spectral_norm"))) {
                s.put("spectral_norm", true);
            }
            for (String k : new String[] {"r1", "gp", "g_ema", "instance_noise"}) {
                if (options.get(k) instanceof Double v && v != 0) {
                    s.put(k, v);
                }
            }
            if (options.get("fakes_per_real") instanceof Double f && f > 1) {
                s.put("fakes_per_real", f.intValue());
            }
            if (config.get("pack") instanceof Double p && p > 1) {
                s.put("pack", p.intValue());
            }
            if (Boolean.TRUE.equals(config.get("minibatch_std"))) {
                s.put("minibatch_std", true);
            }
            if (config.get("disc_maxout") instanceof Double m) {
                s.put("maxout", m.intValue());
            }
        } else {
            put(s, "decoder", config.get("decoder"));
            put(s, "latent", config.get("latent") instanceof Double l ? l.intValue() : null);
        }
        put(s, "lr", options.get("lr"));
        put(s, "batch", options.get("batch") instanceof Double b ? b.intValue() : null);
        return s;
    }

    private static void put(Map<String, Object> s, String key, Object v) {
        if (v != null) {
            s.put(key, v);
        }
    }

    private static Map<?, ?> object(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return Json.parse(json) instanceof Map<?, ?> m ? m : Map.of();
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private static int integer(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The latest modification of the run's folder, metrics, checkpoint or state, in ms (0 when none). */
    static long modified(Path dir) {
        long latest = 0;
        try {
            latest = Files.getLastModifiedTime(dir).toMillis();
        } catch (IOException e) {
            // gone
        }
        for (String f : new String[] {"metrics.jsonl", "checkpoint.safetensors", "state.safetensors"}) {
            try {
                FileTime t = Files.getLastModifiedTime(dir.resolve(f));
                latest = Math.max(latest, t.toMillis());
            } catch (IOException e) {
                // absent
            }
        }
        return latest;
    }

    /**
     * The summary as the JSON object the dashboard's table reads.
     *
     * @return the fields by their JSON names
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("model", model);
        m.put("arch", arch);
        m.put("data", data);
        m.put("device", device);
        m.put("settings", settings);
        m.put("epochs", epochs);
        m.put("target", target);
        m.put("latest", latest);
        m.put("warnings", warnings);
        m.put("running", running);
        m.put("samples", samples);
        m.put("pictures", pictures);
        m.put("problems", problems);
        return m;
    }
}
