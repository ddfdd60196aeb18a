package org.latentcl.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.latentcl.io.Json;

/**
 * The dashboard's HTTP server (Jetty's core API, no servlets): read-only, GET and HEAD only, everything it serves
 * either packed in the jar (the page, its script and style, ECharts from its WebJar) or read from the runs folder
 * through {@link SafeFiles}. Routes:
 * <ul>
 * <li>{@code /} the page; {@code /static/app.js}, {@code /static/style.css}; {@code /vendor/echarts.min.js};</li>
 * <li>{@code /api/runs}: every run's {@link RunSummary}; {@code /api/runs/NAME}: one run's summary and every readable
 * metrics line;</li>
 * <li>{@code /api/runs/NAME/events}: server-sent events, one {@code data:} message per metrics line, the file's lines
 * first and then each new one as training appends it (polled every {@link #POLL_MS} ms);</li>
 * <li>{@code /runs/NAME/FILE}: a file of the run (PNG pictures, trace.json, profile text).</li>
 * </ul>
 * A run whose files are half-written or damaged shows what is readable; no request can stop the server.
 */
public final class DashboardServer implements AutoCloseable {
    /** How often a live view looks at its metrics file. */
    static final long POLL_MS = 250;
    /** A comment line to each live view this often, so a closed browser tab is noticed and its thread freed. */
    static final long HEARTBEAT_MS = 10_000;

    private final Server server;
    private final ServerConnector connector;
    private final Path root;
    private volatile boolean closing;

    private DashboardServer(Path root, String host, int port) {
        this.root = root;
        QueuedThreadPool threads = new QueuedThreadPool(256, 4);
        threads.setName("dashboard");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Routes());
        server.setStopTimeout(2000);
    }

    /**
     * Starts serving root on host:port.
     *
     * @param root the runs folder
     * @param host the address to listen on
     * @param port the port, 0 for any free one
     * @return the started server
     * @throws BindException when the port is taken
     * @throws IOException   when the server cannot start otherwise
     */
    public static DashboardServer start(Path root, String host, int port) throws IOException {
        DashboardServer d = new DashboardServer(root, host, port);
        try {
            d.server.start();
        } catch (Exception e) {
            d.close();
            // Jetty wraps the bind failure; the caller needs to tell a taken port from other failures.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException b) {
                    throw b;
                }
            }
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return d;
    }

    /**
     * The port it listens on.
     *
     * @return the port
     */
    public int port() {
        return connector.getLocalPort();
    }

    /**
     * Blocks until the server stops.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() {
        closing = true;
        try {
            server.stop();
        } catch (Exception e) {
            // stopping: nothing left to serve
        }
    }

    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String method = request.getMethod();
            boolean head = "HEAD".equals(method);
            if (!head && !"GET".equals(method)) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "the dashboard is read-only: GET and HEAD only");
                return true;
            }
            try {
                route(Request.getPathInContext(request), head, request, response, callback);
            } catch (RuntimeException | IOException e) {
                if (!response.isCommitted()) {
                    Response.writeError(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500, String.valueOf(e.getMessage()));
                } else {
                    callback.failed(e);
                }
            }
            return true;
        }
    }

    private void route(String path, boolean head, Request request, Response response, Callback callback) throws IOException {
        List<String> parts = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        if (parts.isEmpty()) {
            sendResource("dashboard/index.html", "text/html; charset=utf-8", head, request, response, callback);
        } else if (parts.size() == 2 && parts.get(0).equals("static") && (parts.get(1).equals("app.js") || parts.get(1).equals("style.css"))) {
            sendResource("dashboard/" + parts.get(1), parts.get(1).endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8",
                    head, request, response, callback);
        } else if (parts.size() == 2 && parts.get(0).equals("vendor") && parts.get(1).equals("echarts.min.js")) {
            sendResource(echartsPath(), "text/javascript; charset=utf-8", head, request, response, callback);
        } else if (parts.size() == 2 && parts.get(0).equals("api") && parts.get(1).equals("runs")) {
            List<Object> runs = new ArrayList<>();
            RunSummary.scan(root).forEach(r -> runs.add(r.toMap()));
            sendJson(runs, head, response, callback);
        } else if (parts.size() == 3 && parts.get(0).equals("api") && parts.get(1).equals("runs")) {
            Optional<Path> dir = SafeFiles.runDirectory(root, parts.get(2));
            if (dir.isEmpty() || !RunSummary.isRun(dir.get())) {
                notFound(request, response, callback);
                return;
            }
            Map<String, Object> m = new LinkedHashMap<>(RunSummary.of(dir.get()).toMap());
            m.put("metrics", MetricsLines.read(dir.get().resolve("metrics.jsonl")).lines());
            sendJson(m, head, response, callback);
        } else if (parts.size() == 4 && parts.get(0).equals("api") && parts.get(1).equals("runs") && parts.get(3).equals("events")) {
            Optional<Path> dir = SafeFiles.runDirectory(root, parts.get(2));
            if (dir.isEmpty()) {
                notFound(request, response, callback);
                return;
            }
            follow(dir.get().resolve("metrics.jsonl"), head, response, callback);
        } else if (parts.size() == 3 && parts.get(0).equals("runs")) {
            Optional<Path> file = SafeFiles.runFile(root, parts.get(1), parts.get(2));
            if (file.isEmpty()) {
                notFound(request, response, callback);
                return;
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file.get());
            } catch (IOException e) {
                notFound(request, response, callback);
                return;
            }
            send(bytes, contentType(parts.get(2)), head, response, callback);
        } else {
            notFound(request, response, callback);
        }
    }

    /** Server-sent events of the metrics file's lines, until the client leaves or the server stops. */
    private void follow(Path metrics, boolean head, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        if (head) {
            callback.succeeded();
            return;
        }
        LiveMetrics live = new LiveMetrics(metrics);
        long lastWrite = 0;
        try {
            write(response, ": following " + metrics.getFileName() + "\n\n");
            while (!closing) {
                LiveMetrics.Update u = live.poll();
                StringBuilder out = new StringBuilder();
                if (u.reset()) {
                    out.append("event: reset\ndata: {}\n\n");
                }
                for (String line : u.lines()) {
                    if (MetricsLines.parse(line) != null) {
                        out.append("data: ").append(line).append("\n\n");
                    } else {
                        out.append("event: problem\ndata: ").append(Json.write("a metrics line is not a JSON object with an epoch: skipped"))
                                .append("\n\n");
                    }
                }
                long now = System.currentTimeMillis();
                if (out.length() == 0 && now - lastWrite >= HEARTBEAT_MS) {
                    out.append(": alive\n\n");
                }
                if (out.length() > 0) {
                    write(response, out.toString());
                    lastWrite = now;
                }
                Thread.sleep(POLL_MS);
            }
            callback.succeeded();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            // The client went away (or the file vanished with its run): this view ends, the server goes on.
            callback.failed(e);
        }
    }

    private static void write(Response response, String text) throws IOException {
        try (Blocker.Callback done = Blocker.callback()) {
            response.write(false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), done);
            done.block();
        }
    }

    private static void sendJson(Object value, boolean head, Response response, Callback callback) {
        send(Json.write(value).getBytes(StandardCharsets.UTF_8), "application/json; charset=utf-8", head, response, callback);
    }

    private static void send(byte[] bytes, String type, boolean head, Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Long.toString(bytes.length));
        response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(bytes), callback);
    }

    private static void sendResource(String resource, String type, boolean head, Request request, Response response, Callback callback)
            throws IOException {
        try (InputStream in = DashboardServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                notFound(request, response, callback);
                return;
            }
            send(in.readAllBytes(), type, head, response, callback);
        }
    }

    private static void notFound(Request request, Response response, Callback callback) {
        Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404, "not found");
    }

    static String contentType(String file) {
        String n = file.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".png")) {
            return "image/png";
        } else if (n.endsWith(".json")) {
            return "application/json; charset=utf-8";
        } else if (n.endsWith(".jsonl") || n.endsWith(".txt")) {
            return "text/plain; charset=utf-8";
        } else if (n.endsWith(".gif")) {
            return "image/gif";
        }
        return "application/octet-stream";
    }

    /** ECharts' script in its WebJar, at the version the build packed (read from the WebJar's own pom.properties). */
    static String echartsPath() throws IOException {
        try (InputStream in = DashboardServer.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
            if (in == null) {
                return "missing";
            }
            Properties p = new Properties();
            p.load(in);
            return "META-INF/resources/webjars/echarts/" + p.getProperty("version") + "/dist/echarts.min.js";
        }
    }
}
