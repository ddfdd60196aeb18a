package org.latentcl.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code java -jar latentcl.jar COMMAND ...}: the entry point of the command line. */
@Command(name = "latentcl", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Train VAEs and GANs on any OpenCL device, with a pure-Java fallback.",
        subcommands = {DevicesCommand.class, SelfTestCommand.class, TrainCommand.class, SampleCommand.class, EncodeCommand.class, EvalCommand.class, ServeCommand.class,
            BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_INTERNAL = 1;
    public static final int EXIT_USAGE = 2;
    /** Stopped by Ctrl-C after saving (128 + SIGINT, as shells report it). */
    public static final int EXIT_INTERRUPTED = 130;

    @Option(names = "--debug", description = "Show stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean debug;

    @Option(names = "--verbose", description = "Log more detail (kernel builds, cache hits).", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing command: devices, selftest, train vae, train gan, sample, encode, eval or bench gemm");
    }

    public static void main(String[] args) {
        var relaunched = SignalChaining.relaunchIfNeeded(args.length > 0 && args[0].equals("selftest") ? selftestEnvironment() : java.util.Map.of());
        if (relaunched.isPresent()) {
            System.exit(relaunched.get());
        }
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        RelaunchedErrors.reportExit(code, System.err);
        System.exit(code);
    }

    /**
     * What the re-launched JVM of {@code selftest} adds to the environment: Oclgrind's checks and a
     * report file that the checks read (a simulator reads these when it loads; on other devices they do
     * nothing). Variables the user set are kept.
     */
    private static java.util.Map<String, String> selftestEnvironment() {
        if (System.getenv("OCLGRIND_LOG") != null || System.getenv("OCLGRIND_DATA_RACES") != null) {
            return java.util.Map.of();
        }
        try {
            java.nio.file.Path log = java.nio.file.Files.createTempFile("latentcl-oclgrind", ".log");
            log.toFile().deleteOnExit();
            return org.latentcl.opencl.Oclgrind.checkedEnvironment(log);
        } catch (java.io.IOException e) {
            return java.util.Map.of();
        }
    }

    /** Runs one command line and returns its exit code; used by main and by the tests. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Logging.configure(Arrays.asList(args).contains("--verbose"));
        boolean debug = Arrays.asList(args).contains("--debug");
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("latentcl: " + parameterMessage(ex));
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof org.latentcl.TrainingStoppedException) {
                err.println("latentcl: " + ex.getMessage());
                return EXIT_INTERRUPTED;
            }
            org.latentcl.io.OutputException output = outputFailure(ex);
            if (output != null) {
                // Where output goes is the user's choice: an unwritable, read-only or full place is bad input.
                err.println("latentcl: " + message(output));
                if (debug) {
                    ex.printStackTrace(err);
                }
                return EXIT_USAGE;
            }
            boolean usage = ex instanceof UsageException || ex instanceof IllegalArgumentException;
            err.println("latentcl: " + (usage ? "" : "error: ") + message(ex));
            if (debug) {
                ex.printStackTrace(err);
            }
            return usage ? EXIT_USAGE : EXIT_INTERNAL;
        });
        return cli.execute(args);
    }

    /**
     * A flag or argument picocli could not take, in one line: for a typo, the closest names the
     * command knows ("did you mean --epochs?"), and the help that lists them all.
     */
    static String parameterMessage(CommandLine.ParameterException ex) {
        String help = " (see " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)";
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return ex.getMessage() + help;
        }
        String first = u.getUnmatched().get(0);
        boolean option = first.startsWith("-");
        CommandLine.Model.CommandSpec spec = u.getCommandLine().getCommandSpec();
        List<String> names = option ? spec.options().stream().flatMap(o -> Arrays.stream(o.names())).toList()
                : List.copyOf(spec.subcommands().keySet());
        List<String> close = Typos.closest(first.contains("=") ? first.substring(0, first.indexOf('=')) : first, names);
        if (close.isEmpty()) {
            close = u.getSuggestions().stream().limit(3).toList();
        }
        String what = option ? "unknown option '" + first + "'"
                : u.getCommandLine().getSubcommands().isEmpty() ? "unexpected argument '" + first + "'" : "unknown command '" + first + "'";
        return what + (close.isEmpty() ? "" : "; did you mean " + String.join(" or ", close) + "?") + help;
    }

    /** The failure to write an output file behind an exception (wrapped by the API or a training run), or null. */
    private static org.latentcl.io.OutputException outputFailure(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof org.latentcl.io.OutputException o) {
                return o;
            }
        }
        return null;
    }

    private static String message(Throwable ex) {
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m.replace('\n', ' ');
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"latentcl " + (v == null ? "development build" : v)};
        }
    }
}
