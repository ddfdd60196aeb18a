package org.latentcl.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * eval's answer for people: one row per measure with its value, the real data's own value where
 * there is one (the test split's halves against each other), and what it means with the better
 * direction. {@code --json} prints the same values, and the per-class ones, as one JSON object.
 */
final class EvalTable {
    /** A measure: its key in the JSON, its name in the table, and one line on what it is. */
    private record Measure(String key, String name, String meaning) {
    }

    private static final List<Measure> MEASURES = List.of(
            new Measure("test_loss", "-ELBO (nats/example)", "the VAE's bound on -log p(x) of the test data; lower is better"),
            new Measure("recon", "  reconstruction", "its reconstruction term"),
            new Measure("kl", "  KL", "its KL term"),
            new Measure("iwae_nll", "IWAE -log p(x) (nats)", "importance-weighted estimate, tighter than the -ELBO; lower is better"),
            new Measure("parzen_ll", "Parzen log-likelihood", "of the test data under a Gaussian window on the samples; higher is better"),
            new Measure("fid", "FID", "distance of the classifier's features of samples and test data; lower is better"),
            new Measure("kid", "KID", "kernel distance (MMD^2) of the same features, unbiased; lower is better, 0 = same"),
            new Measure("classifier_score", "classifier score", "Inception Score on LatentCL's classifier; higher is better"),
            new Measure("precision", "precision", "share of samples that lie among the test data; higher is better"),
            new Measure("recall", "recall", "share of the test data that the samples reach; higher is better"),
            new Measure("classes_covered", "classes covered", "classes the samples cover (a tenth of their share at least)"),
            new Measure("class_fidelity", "class fidelity", "samples the classifier labels as the class asked for; higher is better"));

    /** Keys shown in the header or folded into a row, not as rows of their own. */
    private static final Set<String> FOLDED = Set.of("checkpoint", "samples_from", "data", "examples", "test_examples", "samples", "device",
            "metric_samples", "classifier_accuracy", "iwae_k", "parzen_se", "parzen_sigma", "class_fidelity_relative", EvalCommand.NEAREST_CLASSES,
            "class_fidelity_per_class", "fid_per_class", "temperature");

    private EvalTable() {
    }

    /** The table of an eval result, as eval prints it without --json. */
    static String render(Map<String, Object> r) {
        StringBuilder out = new StringBuilder();
        Object source = r.containsKey("checkpoint") ? r.get("checkpoint") : r.get("samples_from");
        Object examples = r.containsKey("examples") ? r.get("examples") : r.get("test_examples");
        out.append("eval of ").append(source).append(" against ").append(r.get("data"));
        if (examples != null) {
            out.append(" (").append(whole(examples)).append(" test examples)");
        }
        if (r.containsKey("device")) {
            out.append(" on ").append(r.get("device"));
        }
        if (r.containsKey("temperature")) {
            out.append(", samples drawn at temperature ").append(number(r.get("temperature")));
        }
        out.append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"measure", "value", "real data", "meaning"});
        Set<String> shown = new LinkedHashSet<>();
        for (Measure m : MEASURES) {
            if (!r.containsKey(m.key())) {
                continue;
            }
            shown.add(m.key());
            rows.add(new String[] {m.name(), value(r, m.key()), r.containsKey("floor_" + m.key()) ? value(r, "floor_" + m.key()) : "",
                m.meaning() + extra(r, m.key())});
        }
        for (Map.Entry<String, Object> e : r.entrySet()) {
            String k = e.getKey();
            if (!shown.contains(k) && !FOLDED.contains(k) && !k.startsWith("floor_") && !k.endsWith("_std") && e.getValue() instanceof Number) {
                rows.add(new String[] {k, number(e.getValue()), "", ""});
            }
        }
        int[] width = new int[3];
        for (String[] row : rows) {
            for (int i = 0; i < 3; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            out.append(String.format(Locale.ROOT, "%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %s", (Object[]) row)
                    .stripTrailing()).append('\n');
        }
        if (r.containsKey("metric_samples")) {
            out.append("The sample measures use ").append(whole(r.get("metric_samples")))
                    .append(" samples and LatentCL's classifier for the data");
            if (r.containsKey("classifier_accuracy")) {
                out.append(" (").append(percent(((Number) r.get("classifier_accuracy")).doubleValue())).append(" accurate on the test data)");
            }
            out.append("; the real data's column scores half the test split against the other half.\n");
        }
        out.append("--json prints every value");
        if (r.containsKey("class_fidelity_per_class")) {
            out.append(", the per-class ones included");
        }
        out.append('.');
        return out.toString();
    }

    /** A value with its standard deviation (or standard error) when the result has one. */
    private static String value(Map<String, Object> r, String key) {
        String v = number(r.get(key));
        Object sd = r.get(key.equals("parzen_ll") ? "parzen_se" : key + "_std");
        // A spread of NaN (a KID whose sets fit one subset) estimates nothing: the value stands alone.
        return sd instanceof Number n && Double.isFinite(n.doubleValue()) ? v + " ± " + number(sd) : v;
    }

    /** What a row adds from the values folded into it. */
    private static String extra(Map<String, Object> r, String key) {
        return switch (key) {
            case "iwae_nll" -> r.containsKey("iwae_k") ? " (K = " + whole(r.get("iwae_k")) + ")" : "";
            case "parzen_ll" -> r.containsKey("parzen_sigma") ? " (sigma " + number(r.get("parzen_sigma")) + ")" : "";
            case "class_fidelity" -> r.containsKey("class_fidelity_relative")
                    ? "; " + percent(((Number) r.get("class_fidelity_relative")).doubleValue()) + " of the classifier's accuracy on real data" : "";
            default -> "";
        };
    }

    private static String number(Object v) {
        if (!(v instanceof Number n)) {
            return String.valueOf(v);
        }
        double d = n.doubleValue();
        if (d == Math.rint(d) && Math.abs(d) < 1e9) {
            return whole(n);
        }
        return String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.2f" : Math.abs(d) >= 1 ? "%.3f" : "%.4f", d);
    }

    private static String whole(Object v) {
        return String.format(Locale.ROOT, "%,d", ((Number) v).longValue());
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
