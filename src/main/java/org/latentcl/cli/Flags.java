package org.latentcl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Checks of flag values shared by the commands; each failure is a one-line {@link UsageException}. */
final class Flags {
    private Flags() {
    }

    static void positive(String flag, long value) {
        if (value <= 0) {
            throw new UsageException(flag + " must be a positive number, got " + value);
        }
    }

    static void positive(String flag, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new UsageException(flag + " must be a positive number, got " + value);
        }
    }

    /** "400" or "512,256" as sizes. */
    static int[] sizes(String flag, String text) {
        int[] out = ints(flag, text, "whole numbers");
        for (int v : out) {
            if (v < 1) {
                throw new UsageException(flag + " sizes must be positive, got '" + text + "'");
            }
        }
        return out;
    }

    /** Comma-separated whole numbers; anything else is a usage error saying the flag must be {@code what} separated by commas. */
    private static int[] ints(String flag, String text, String what) {
        String[] parts = text.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UsageException(flag + " must be " + what + " separated by commas, got '" + text + "'");
            }
        }
        return out;
    }

    /** "0,3,7" as class numbers (0 and up). */
    static int[] classes(String flag, String text) {
        return ints(flag, text, "class numbers");
    }

    /** Numbers as "0,3,7". */
    static String list(int[] values) {
        return java.util.Arrays.stream(values).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
    }

    /** Refuses a run directory that already holds files, unless forced; it must be writable. */
    static void freshRunDirectory(Path dir, boolean force) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageException("run directory " + dir + " exists and is not a directory");
        }
        if (Files.isDirectory(dir) && !force) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new UsageException("run directory " + dir + " already exists and is not empty; use --resume " + dir
                            + " to continue it or --force to overwrite it");
                }
            } catch (IOException e) {
                throw new UsageException("cannot read run directory " + dir + ": " + e.getMessage());
            }
        }
        // Created to prove it can be, then removed again: the run creates it when it starts, so a
        // refusal before then (a batch too large, data the model cannot take) leaves nothing behind.
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new UsageException("cannot create run directory " + dir + ": " + p + " is not a directory");
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UsageException("cannot create run directory " + dir + ": " + reason(e));
        }
        boolean writable = Files.isWritable(dir);
        for (Path p : missing) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // Left in place, empty: the run uses it as it is.
            }
        }
        if (!writable) {
            throw new UsageException("run directory " + dir + " is not writable");
        }
    }

    /** A batch must fit in the training set: checked before a device opens. */
    static void batchFits(int batch, int trainingRows) {
        if (batch > trainingRows) {
            throw new UsageException("batch " + batch + " is larger than the training set (" + trainingRows + " examples); use --batch "
                    + trainingRows + " or less");
        }
    }

    /** Why a file operation failed, in words: Java's exceptions often carry only the path. */
    static String reason(java.io.IOException e) {
        return org.latentcl.io.OutputException.reason(e);
    }

    /**
     * The epochs a resumed run trains to: {@code --epochs} when given, else the target the run in
     * {@code dir} was started with (an older run that records none needs --epochs: one line, exit 2).
     */
    static int resumedEpochs(picocli.CommandLine.Model.CommandSpec spec, java.nio.file.Path dir, int given) {
        if (spec.commandLine().getParseResult().hasMatchedOption("--epochs")) {
            return given;
        }
        return org.latentcl.Checkpoints.targetEpochs(dir).orElseThrow(() -> new UsageException(dir
                + " records no epoch target (it has no state.safetensors, or an older LatentCL wrote it): give --epochs N, the total to reach"));
    }

    /** A number as a person writes it in a start line: 0.0002, 0.001, 0.5 (not 2.0E-4 beside 0.001). */
    static String number(float v) {
        return new java.math.BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }

    /** "1 epoch", "10 epochs". */
    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
