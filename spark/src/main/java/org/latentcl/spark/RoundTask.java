package org.latentcl.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.latentcl.cli.Main;

/**
 * One task's part of a round: the run's files as the round starts (none for the first round) are
 * written into a scratch run directory on the executor, {@code latentcl train} continues them there for
 * the round's steps with this host's devices ({@code --stop-after}, whose stop saves the position
 * exactly), and the run's files come back. Every input comes from the driver, so a task that fails is
 * simply run again from the same files.
 *
 * @param model   vae or gan
 * @param settings the training flags of the first round (the run's settings; later rounds read them from the run's state)
 * @param devices  --device's value for this host, or null for auto
 * @param files    the run directory's files as the round starts, by name; empty for the first round
 * @param steps    the round's steps (the last round may finish the run sooner)
 * @param shard    {@code train --shard}'s value, "h/N", where N tasks share every batch; null for one task
 */
record RoundTask(String model, List<String> settings, String devices, Map<String, byte[]> files, int steps, String shard)
        implements Serializable {
    /** What a task hands back: the run directory's files after the round, and whether the run reached its last epoch. */
    record Result(Map<String, byte[]> files, boolean finished, String output) implements Serializable {
    }

    /** The line --stop-after prints when it stops a run (the run is not finished). */
    static final String STOPPED = "stopped as --stop-after ";

    /** This task on the given devices ({@code --device}'s value; null leaves the command's own choice). */
    RoundTask onDevices(String chosen) {
        return new RoundTask(model, settings, chosen, files, steps, shard);
    }

    /** Runs the round's training on this executor. */
    Result run() {
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("latentcl-round-");
            Path dir = scratch.resolve("run");
            List<String> args = new ArrayList<>(List.of("train", model));
            if (files.isEmpty()) {
                args.addAll(settings);
                args.addAll(List.of("--out", dir.toString()));
            } else {
                Files.createDirectories(dir);
                for (Map.Entry<String, byte[]> f : files.entrySet()) {
                    Files.write(dir.resolve(f.getKey()), f.getValue());
                }
                args.addAll(List.of("--resume", dir.toString()));
            }
            if (devices != null) {
                args.addAll(List.of("--device", devices));
            }
            if (shard != null) {
                args.addAll(List.of("--shard", shard));
            }
            args.addAll(List.of("--stop-after", Integer.toString(steps), "--quiet"));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
            if (code != Main.EXIT_OK) {
                throw new RoundFailedException(code, "on " + host() + ": " + err.toString().strip().replaceFirst("^latentcl: ", ""));
            }
            return new Result(read(dir), !out.toString().contains(STOPPED), out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("the round's scratch directory on this executor: " + e.getMessage(), e);
        } finally {
            deleteQuietly(scratch);
        }
    }

    /** Every regular file of the run directory, by name (the run directory has no subdirectories). */
    static Map<String, byte[]> read(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.filter(Files::isRegularFile).toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A scratch directory left behind in the temporary folder harms nothing.
        }
    }

    /** This executor's host name, for messages. */
    static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "an unnamed host";
        }
    }

    /**
     * The training command refused or failed on the executor: its exit code and its one line. The
     * message starts with {@code exit=N }, so that the driver reads both back from a Spark failure,
     * which carries the task's exception as text.
     */
    static final class RoundFailedException extends RuntimeException {
        private static final java.util.regex.Pattern IN_TEXT = java.util.regex.Pattern.compile("RoundFailedException: exit=(\\d+) ([^\\n]*)");
        private final int code;
        private final String line;

        RoundFailedException(int code, String line) {
            super("exit=" + code + " " + line);
            this.code = code;
            this.line = line;
        }

        int code() {
            return code;
        }

        /** The command's line, without the exit code. */
        String line() {
            return line;
        }

        /** The failure a task reported, found in a Spark exception's text or causes; null when it is not one. */
        static RoundFailedException in(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof RoundFailedException r) {
                    return r;
                }
                java.util.regex.Matcher m = IN_TEXT.matcher(String.valueOf(t.getMessage()));
                if (m.find()) {
                    return new RoundFailedException(Integer.parseInt(m.group(1)), m.group(2));
                }
            }
            return null;
        }
    }
}
