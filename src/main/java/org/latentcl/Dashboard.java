package org.latentcl;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.file.Path;
import org.latentcl.dashboard.DashboardServer;

/**
 * A live web dashboard of the runs under one folder, what {@code latentcl serve} starts: the runs as a table, each
 * run's curves updating as its epochs land, its samples epoch by epoch, several runs overlaid. Read-only; serves
 * nothing outside the folder; everything the page needs comes from the jar (no internet). See docs/DASHBOARD.md.
 *
 * <pre>{@code
 * try (Dashboard d = Dashboard.start(Path.of("runs"), "127.0.0.1", 6006)) {
 *     System.out.println(d.url());
 *     d.join();
 * }
 * }</pre>
 */
public final class Dashboard implements AutoCloseable {
    private final DashboardServer server;
    private final String host;

    private Dashboard(DashboardServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /**
     * Serves the runs under {@code runs} (which may not exist yet: runs appear as training creates them).
     *
     * @param runs the folder of run directories
     * @param host the address to listen on: 127.0.0.1 keeps it on this machine, 0.0.0.0 opens it to the network
     * @param port the port, 0 for any free one
     * @return the running dashboard
     * @throws IllegalArgumentException when runs is a file, or the port is outside 0..65535
     * @throws BindException            when the port is taken
     * @throws IOException              when the server cannot start otherwise
     */
    public static Dashboard start(Path runs, String host, int port) throws IOException {
        if (java.nio.file.Files.exists(runs) && !java.nio.file.Files.isDirectory(runs)) {
            throw new IllegalArgumentException(runs + " is a file, not a folder of runs");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the port must lie in 0..65535, got " + port);
        }
        return new Dashboard(DashboardServer.start(runs.toAbsolutePath(), host, port), host);
    }

    /**
     * The port it listens on.
     *
     * @return the port (the one chosen when started with 0)
     */
    public int port() {
        return server.port();
    }

    /**
     * The address to open in a browser.
     *
     * @return for example http://127.0.0.1:6006/
     */
    public String url() {
        String shown = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        return "http://" + shown + ":" + port() + "/";
    }

    /**
     * Whether an address keeps the dashboard on this machine.
     *
     * @param host a host name or address
     * @return true for a loopback address (127.0.0.1, ::1, localhost)
     */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Waits until the dashboard is closed.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() {
        server.close();
    }
}
