package org.latentcl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The last line of a finished training command: every file its run directory holds, so none is missed. */
final class DoneLine {
    /** The files a run writes, most wanted first; others follow by name. */
    private static final List<String> FIRST = List.of("checkpoint.safetensors", "state.safetensors", "metrics.jsonl", "samples.png",
            "reconstructions.png", "manifold.png", "loss.png", "fid.png", "profile.txt", "trace.json");
    private static final Pattern PER_EPOCH = Pattern.compile("(.*)-epoch-(\\d+)\\.png");

    private DoneLine() {
    }

    /** "done: DIR holds a, b, c", with a picture per epoch shown once as NAME-epoch-{1..N}.png. */
    static String of(Path dir) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".tmp")).forEach(names::add);
        } catch (IOException e) {
            return "done: " + dir;
        }
        TreeSet<String> perEpochBases = new TreeSet<>();
        List<String> shown = new ArrayList<>();
        for (String n : names) {
            Matcher m = PER_EPOCH.matcher(n);
            if (m.matches()) {
                perEpochBases.add(m.group(1));
            } else {
                shown.add(n);
            }
        }
        shown.sort(Comparator.comparingInt((String n) -> FIRST.contains(n) ? FIRST.indexOf(n) : FIRST.size()).thenComparing(n -> n));
        for (String base : perEpochBases) {
            int last = names.stream().map(PER_EPOCH::matcher).filter(Matcher::matches).filter(m -> m.group(1).equals(base))
                    .mapToInt(m -> Integer.parseInt(m.group(2))).max().orElse(0);
            int first = names.stream().map(PER_EPOCH::matcher).filter(Matcher::matches).filter(m -> m.group(1).equals(base))
                    .mapToInt(m -> Integer.parseInt(m.group(2))).min().orElse(0);
            shown.add(first == last ? base + "-epoch-" + first + ".png" : base + "-epoch-{" + first + ".." + last + "}.png");
        }
        return "done: " + dir + " holds " + String.join(", ", shown);
    }
}
