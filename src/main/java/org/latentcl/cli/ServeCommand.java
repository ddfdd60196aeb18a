package org.latentcl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import org.latentcl.Dashboard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve}: the live dashboard of the runs under a folder, until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a live web dashboard of the runs under a folder: the runs as a table, each run's curves updating as "
                + "epochs land, its samples epoch by epoch, several runs overlaid. Read-only; nothing is fetched from the internet.",
            "Stop it with Ctrl-C."})
final class ServeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--runs", paramLabel = "DIR", description = "The folder of run directories (default: ${DEFAULT-VALUE}).")
    Path runs = Path.of("runs");

    @Option(names = "--port", paramLabel = "N", description = "The port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = 6006;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine "
            + "only; 0.0.0.0 opens the dashboard to the network).")
    String host = "127.0.0.1";

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (port < 0 || port > 65535) {
            throw new UsageException("--port must lie in 0..65535, got " + port);
        }
        if (java.nio.file.Files.exists(runs) && !java.nio.file.Files.isDirectory(runs)) {
            throw new UsageException("--runs " + runs + " is a file, not a folder of runs");
        }
        Dashboard d;
        try {
            d = Dashboard.start(runs, host, port);
        } catch (BindException e) {
            throw new UsageException("port " + port + " on " + host + " is in use (or not ours to take): choose another with --port");
        } catch (IOException e) {
            throw new UsageException("cannot serve on " + host + ":" + port + ": " + e.getMessage());
        }
        if (!Dashboard.isLoopback(host)) {
            err.println("warning: listening on " + host + ": anyone who can reach this machine can read the runs under " + runs);
        }
        out.println("serving the runs under " + runs.toAbsolutePath().normalize() + " at " + d.url() + " (Ctrl-C to stop)");
        if (!java.nio.file.Files.isDirectory(runs)) {
            out.println("no runs yet: " + runs + " does not exist; runs appear as training creates them");
        }
        out.flush();
        try {
            d.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            d.close();
        }
    }
}
