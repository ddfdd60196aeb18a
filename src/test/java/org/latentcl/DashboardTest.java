package org.latentcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.io.Json;

/**
 * The dashboard over HTTP, as a browser meets it: the table of runs with what each run's files say (a half-written
 * last line, a damaged line, a damaged checkpoint shown as problems beside what is readable), the run's files and
 * nothing outside the runs folder ({@code ..}, encoded {@code %2e%2e}, absolute paths, a symbolic link leading out),
 * GET and HEAD only, a new metrics line pushed to a live view within 2 seconds, and a port in use refused.
 */
class DashboardTest {
    @TempDir
    Path dir;

    private static final String LINE1 = "{\"epoch\":1,\"d_loss\":1.5,\"g_loss\":3.0,\"d_real\":0.8,\"d_fake\":0.2,\"samples_per_s\":300,"
            + "\"device\":\"java\",\"warnings\":[]}";
    private static final String LINE2 = "{\"epoch\":2,\"d_loss\":1.25,\"g_loss\":2.5,\"d_real\":0.75,\"d_fake\":0.25,\"samples_per_s\":310,"
            + "\"device\":\"java\",\"warnings\":[\"possible mode collapse\"]}";

    /** A GAN run of two epochs out of five, as training leaves it: checkpoint, state, metrics and pictures. */
    private Path ganRun(String name) throws IOException {
        Path run = Files.createDirectories(dir.resolve("runs").resolve(name));
        Files.writeString(run.resolve("metrics.jsonl"), LINE1 + "\n" + LINE2 + "\n");
        Files.write(run.resolve("checkpoint.safetensors"), org.latentcl.io.Safetensors.encode(
                Map.of("model", "gan", "data", "default", "config", "{\"arch\":\"dcgan\",\"loss\":\"hinge\",\"spectral_norm\":true}"),
                List.of(new org.latentcl.io.Safetensors.Entry("w", new int[] {1}, new float[] {1}))));
        Files.write(run.resolve("state.safetensors"), org.latentcl.io.Safetensors.encode(
                Map.of("model", "gan", "epochs", "5", "options", "{\"r1\":10.0,\"g_ema\":0.999,\"lr\":0.0002,\"batch\":64,\"fakes_per_real\":4.0}"),
                List.of(new org.latentcl.io.Safetensors.Entry("s", new int[] {1}, new float[] {0}))));
        Files.write(run.resolve("samples-epoch-1.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.write(run.resolve("samples-epoch-2.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        return run;
    }

    /** One raw HTTP/1.1 request, so that the path goes out exactly as written (no client normalizes it). */
    private static String[] request(int port, String method, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = all.indexOf("\r\n\r\n");
            return new String[] {all.substring(0, split), all.substring(split + 4)};
        }
    }

    private static int status(String[] response) {
        return Integer.parseInt(response[0].split(" ")[1]);
    }

    @Test
    void theTableShowsWhatEachRunsFilesSay() throws IOException {
        ganRun("gan-a");
        Path broken = ganRun("gan-broken");
        Files.writeString(broken.resolve("metrics.jsonl"), LINE1 + "\nnot json at all\n" + LINE2 + "\n{\"epoch\":3,\"d_lo");
        Files.write(broken.resolve("checkpoint.safetensors"), new byte[] {1, 2, 3});
        Path old = Files.createDirectories(dir.resolve("runs/not-a-run"));
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Files.createDirectories(dir.resolve("runs/gan-starting"));
        try (Dashboard d = Dashboard.start(dir.resolve("runs"), "127.0.0.1", 0)) {
            String[] r = request(d.port(), "GET", "/api/runs");
            assertEquals(200, status(r), r[0]);
            List<?> runs = (List<?>) Json.parse(r[1]);
            assertEquals(3, runs.size(), "an hour-old folder without run files is not a run: " + r[1]);
            Map<?, ?> starting = runs.stream().map(x -> (Map<?, ?>) x).filter(m -> m.get("name").equals("gan-starting")).findFirst().orElseThrow();
            assertEquals(0.0, starting.get("epochs"), "a run in its first epoch, which has written nothing yet");
            assertEquals(true, starting.get("running"));
            Map<?, ?> a = runs.stream().map(x -> (Map<?, ?>) x).filter(m -> m.get("name").equals("gan-a")).findFirst().orElseThrow();
            assertEquals("gan", a.get("model"));
            assertEquals("dcgan", a.get("arch"));
            assertEquals(2.0, a.get("epochs"));
            assertEquals(5.0, a.get("target"));
            assertEquals(true, a.get("running"), "two of five epochs, files written just now");
            assertEquals(List.of("possible mode collapse"), a.get("warnings"));
            assertEquals(List.of(1.0, 2.0), a.get("samples"));
            Map<?, ?> settings = (Map<?, ?>) a.get("settings");
            assertEquals("hinge", settings.get("loss"));
            assertEquals(true, settings.get("spectral_norm"));
            assertEquals(10.0, settings.get("r1"));
            assertEquals(4.0, settings.get("fakes_per_real"));
            assertEquals(List.of(), a.get("problems"));
            Map<?, ?> b = runs.stream().map(x -> (Map<?, ?>) x).filter(m -> m.get("name").equals("gan-broken")).findFirst().orElseThrow();
            assertEquals(2.0, b.get("epochs"), "the readable lines count");
            List<?> problems = (List<?>) b.get("problems");
            assertEquals(3, problems.size(), String.valueOf(problems));
            assertEquals("line 2 of metrics.jsonl is not a JSON object with an epoch: skipped", problems.get(0));
            assertEquals("line 4 of metrics.jsonl is incomplete (being written?)", problems.get(1));
            assertTrue(String.valueOf(problems.get(2)).startsWith("checkpoint.safetensors is shorter than a safetensors header"), problems.get(2).toString());
            String[] one = request(d.port(), "GET", "/api/runs/gan-broken");
            assertEquals(2, ((List<?>) ((Map<?, ?>) Json.parse(one[1])).get("metrics")).size());
            // The server goes on after every one of these.
            assertEquals(200, status(request(d.port(), "GET", "/")));
        }
    }

    @Test
    void nothingOutsideTheRunsFolderIsServed() throws IOException {
        Path run = ganRun("gan-a");
        Path secret = Files.writeString(dir.resolve("secret.txt"), "not for the browser");
        Files.createSymbolicLink(run.resolve("leak.txt"), secret);
        Files.createSymbolicLink(dir.resolve("runs/linked"), dir);
        try (Dashboard d = Dashboard.start(dir.resolve("runs"), "127.0.0.1", 0)) {
            int port = d.port();
            String[] ok = request(port, "GET", "/runs/gan-a/samples-epoch-1.png");
            assertEquals(200, status(ok), ok[0]);
            assertTrue(ok[0].contains("Content-Type: image/png"), ok[0]);
            for (String path : new String[] {"/runs/../secret.txt", "/runs/gan-a/../../secret.txt", "/runs/%2e%2e/secret.txt",
                "/runs/gan-a/%2e%2e/%2e%2e/secret.txt", "/runs/gan-a/..%2f..%2fsecret.txt", "/runs/%2fetc/passwd", "/runs//etc/passwd",
                "/runs/gan-a/leak.txt", "/runs/linked/secret.txt", "/api/runs/linked", "/api/runs/..", "/runs/gan-a/",
                "/" + dir.resolve("secret.txt")}) {
                String[] r = request(port, "GET", path);
                int code = status(r);
                assertTrue(code == 400 || code == 404, path + " gave " + r[0]);
                assertFalse(r[1].contains("not for the browser"), path);
            }
        }
    }

    @Test
    void getAndHeadOnly() throws IOException {
        ganRun("gan-a");
        try (Dashboard d = Dashboard.start(dir.resolve("runs"), "127.0.0.1", 0)) {
            for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
                String[] r = request(d.port(), method, "/api/runs");
                assertEquals(405, status(r), method);
                assertTrue(r[0].contains("Allow: GET, HEAD"), r[0]);
            }
            String[] head = request(d.port(), "HEAD", "/api/runs");
            assertEquals(200, status(head));
            assertEquals("", head[1], "HEAD sends no body");
            assertTrue(Files.exists(dir.resolve("runs/gan-a/metrics.jsonl")), "nothing was changed");
        }
    }

    /** A live view gets the file's lines, then a line appended by training within 2 seconds; a cut file starts over. */
    @Test
    void aNewEpochReachesALiveViewWithinTwoSeconds() throws Exception {
        Path run = ganRun("gan-a");
        try (Dashboard d = Dashboard.start(dir.resolve("runs"), "127.0.0.1", 0); Socket s = new Socket("127.0.0.1", d.port())) {
            s.getOutputStream().write("GET /api/runs/gan-a/events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            BlockingQueue<String> events = new ArrayBlockingQueue<>(100);
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.startsWith("data: ") || line.startsWith("event: ")) {
                            events.add(line);
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            reader.setDaemon(true);
            reader.start();
            assertEquals("data: " + LINE1, events.poll(5, TimeUnit.SECONDS));
            assertEquals("data: " + LINE2, events.poll(5, TimeUnit.SECONDS));
            String line3 = "{\"epoch\":3,\"d_loss\":1.0}";
            Files.writeString(run.resolve("metrics.jsonl"), line3.substring(0, 10), java.nio.file.StandardOpenOption.APPEND);
            Thread.sleep(600);
            long written = System.nanoTime();
            Files.writeString(run.resolve("metrics.jsonl"), line3.substring(10) + "\n", java.nio.file.StandardOpenOption.APPEND);
            assertEquals("data: " + line3, events.poll(2, TimeUnit.SECONDS), "the line, whole, within 2 s of its newline");
            assertTrue(System.nanoTime() - written < 2_000_000_000L);
            Files.writeString(run.resolve("metrics.jsonl"), LINE1 + "\n");
            assertEquals("event: reset", events.poll(2, TimeUnit.SECONDS), "a resume cut the file: the view starts over");
        }
    }

    @Test
    void aPortInUseIsRefused() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThrows(BindException.class, () -> Dashboard.start(dir, "127.0.0.1", taken.getLocalPort()));
        }
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertEquals(file + " is a file, not a folder of runs",
                assertThrows(IllegalArgumentException.class, () -> Dashboard.start(file, "127.0.0.1", 0)).getMessage());
        assertTrue(Dashboard.isLoopback("127.0.0.1") && Dashboard.isLoopback("localhost") && Dashboard.isLoopback("::1"));
        assertFalse(Dashboard.isLoopback("0.0.0.0"));
    }

    /** A folder that does not exist yet serves an empty table, and the page, its script and ECharts come from the jar. */
    @Test
    void everythingThePageNeedsComesFromTheJar() throws IOException {
        try (Dashboard d = Dashboard.start(dir.resolve("none-yet"), "127.0.0.1", 0)) {
            assertEquals("[]", request(d.port(), "GET", "/api/runs")[1]);
            String page = request(d.port(), "GET", "/")[1];
            assertTrue(page.contains("<script src=\"/vendor/echarts.min.js\">"), page);
            assertFalse(page.contains("http://") || page.contains("https://"), "nothing from a CDN");
            String[] echarts = request(d.port(), "GET", "/vendor/echarts.min.js");
            assertEquals(200, status(echarts));
            assertTrue(echarts[1].length() > 500_000 && echarts[1].contains("echarts"), "ECharts' own script");
            assertEquals(200, status(request(d.port(), "GET", "/static/app.js")));
            assertEquals(200, status(request(d.port(), "GET", "/static/style.css")));
            assertEquals(404, status(request(d.port(), "GET", "/static/nope.js")));
            assertTrue(d.url().matches("http://127\\.0\\.0\\.1:\\d+/"), d.url());
        }
    }
}
