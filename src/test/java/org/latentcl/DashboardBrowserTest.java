package org.latentcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.latentcl.io.Safetensors;

/**
 * The dashboard in a real browser: Debian's headless Chromium driven through chromedriver. The table lists the runs,
 * a run's page draws its curves and gains a point when a line is appended to its metrics.jsonl (within 2 seconds),
 * the samples slider moves between epochs, and two runs overlay on one chart. Screenshots go to
 * target/dashboard-screenshots (docs/DASHBOARD.md shows them). Without Chromium the test is skipped with one line,
 * except under CI=true, where it fails ({@code tools/setup-opencl.sh} installs it).
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;
    private WebDriver browser;
    private Dashboard dashboard;

    @BeforeEach
    void openBrowser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String why = "no " + (Files.isExecutable(CHROMIUM) ? CHROMEDRIVER : CHROMIUM) + " (apt-get install chromium chromium-driver)";
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true requires the browser tests' Chromium: " + why);
            }
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1400");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
        if (dashboard != null) {
            dashboard.close();
        }
    }

    private static String line(int epoch, double dLoss) {
        return "{\"epoch\":" + epoch + ",\"d_loss\":" + dLoss + ",\"g_loss\":" + (2 + dLoss) + ",\"d_real\":0.8,\"d_fake\":0.3,\"diversity\":0.9,"
                + "\"train_seconds\":10,\"samples_per_s\":" + (300 + epoch) + ",\"device\":\"java\",\"warnings\":[]}";
    }

    /** The start of a real profile.txt (ProfileReport's layout, with the device's peak): three kernels, then two layers. */
    private static final String PROFILE = """
            profile on cl:1 pthread-skylake-avx512-AMD EPYC
            device peak (calibration): 150.2 GFLOP/s (a 1024^3 GEMM), 26.1 GB/s (a 64 MiB copy); GFLOP and MB are each kernel's work in all, %FLOP and %BW its rates' shares of the peak
            kernel / operation                                            calls    total ms    mean us     p95 us     max us   share   GFLOP/s     GB/s     GFLOP        MB  %FLOP    %BW
            gemm:gemm [TRANS_A=0 TRANS_B=0 TM=16 TN=16]                    1657     1785.21     1077.4     4911.2    33232.9   61.2%      40.5     1.07    72.301   1910.15  27.0%   4.1%
            elementwise:scale_rows                                          497      101.58      204.4      230.8    15183.7    2.7%       0.2     2.47     0.020    250.90   0.1%   9.5%
            transfer:write                                                   45       23.67      526.1     1768.6    11233.5    0.6%         -     0.43         -     10.18      -   1.6%
            steps: 71; launches per step: 93.0; wall time per step 186874.9 us, of which device (kernel) time 52221.9 us and host overhead 134653.0 us (72%)
            host<->device transfers: 65, 26.49 MB, 24.67 ms

            by layer (forward in network order, then backward)
            layer                                                      launches    total ms   share   GFLOP/s     GB/s  %FLOP    %BW
            gen.0 Linear                                                     83       12.95    0.3%      27.3     3.12  18.2%  12.0%
            (outside the layers: losses, sampling, optimizer, batches)     2788      411.06   11.0%       2.8    21.44   1.9%  82.1%
            """;

    /** A GAN run of `epochs` of 5 epochs with a samples picture per epoch (each its own colour). */
    private Path run(String name, int epochs, double start) throws IOException {
        Path run = Files.createDirectories(dir.resolve("runs").resolve(name));
        StringBuilder lines = new StringBuilder();
        for (int e = 1; e <= epochs; e++) {
            lines.append(line(e, start / e)).append('\n');
            BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = img.createGraphics();
            g.setColor(Color.getHSBColor(e / 6f, 0.8f, 0.9f));
            g.fillOval(8, 8, 48, 48);
            g.dispose();
            ImageIO.write(img, "png", run.resolve("samples-epoch-" + e + ".png").toFile());
        }
        Files.writeString(run.resolve("metrics.jsonl"), lines);
        Files.write(run.resolve("checkpoint.safetensors"), Safetensors.encode(Map.of("model", "gan", "data", "default",
                "config", "{\"loss\":\"nonsaturating\",\"classes\":3}"), List.of(new Safetensors.Entry("w", new int[] {1}, new float[] {1}))));
        Files.write(run.resolve("state.safetensors"), Safetensors.encode(Map.of("model", "gan", "epochs", "5",
                "options", "{\"r1\":10.0,\"g_ema\":0.999,\"lr\":0.0002,\"batch\":128}"), List.of(new Safetensors.Entry("s", new int[] {1}, new float[] {0}))));
        Files.writeString(run.resolve("profile.txt"), PROFILE);
        return run;
    }

    private static void waitFor(String what, long millis, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (done.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        fail(what + " within " + millis + " ms");
    }

    private void screenshot(String name) throws IOException {
        Path out = Files.createDirectories(Path.of("target", "dashboard-screenshots")).resolve(name + ".png");
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), out, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aUserWatchesARunAndComparesTwo() throws Exception {
        Path a = run("gan-a", 2, 1.5);
        run("gan-b", 3, 1.2);
        dashboard = Dashboard.start(dir.resolve("runs"), "127.0.0.1", 0);
        browser.get(dashboard.url());
        waitFor("the table's two runs", 5000, () -> browser.findElements(By.cssSelector("#runs tbody tr")).size() == 2);
        String table = browser.findElement(By.id("runs")).getText();
        assertTrue(table.contains("gan-a") && table.contains("2/5") && table.contains("r1 10") && table.contains("running"), table);
        screenshot("table");

        // Two runs overlaid on one chart.
        for (String name : new String[] {"gan-a", "gan-b"}) {
            browser.findElement(By.cssSelector("input[data-run='" + name + "']")).click();
        }
        ((JavascriptExecutor) browser).executeScript(
                "const s = document.getElementById('overlay-metric'); s.value = 'd_loss'; s.dispatchEvent(new Event('change'));");
        WebElement overlay = browser.findElement(By.id("overlay"));
        waitFor("two runs on the overlay", 5000, () -> "2".equals(overlay.getAttribute("data-series")));
        screenshot("overlay");

        // One run's live page: its curves have the file's two epochs, then a third as training appends it.
        browser.findElement(By.linkText("gan-a")).click();
        WebElement losses = browser.findElement(By.cssSelector("[data-chart='losses']"));
        waitFor("the losses chart's two epochs", 5000, () -> "2".equals(losses.getAttribute("data-points")));
        Files.writeString(a.resolve("metrics.jsonl"), line(3, 0.5) + "\n", StandardOpenOption.APPEND);
        long appended = System.nanoTime();
        waitFor("the appended epoch on the chart", 2000, () -> "3".equals(losses.getAttribute("data-points")));
        assertTrue(System.nanoTime() - appended < 2_000_000_000L);

        assertEquals("none", browser.findElement(By.cssSelector("[data-chart='FID']")).getCssValue("display"), "no FID in this run: no chart");
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0);");
        screenshot("run");
        WebElement profile = browser.findElement(By.id("profile"));
        waitFor("the profile's text", 2000, () -> profile.getAttribute("textContent").contains("elementwise:scale_rows"));
        // The profile's kernels and layers as bars, every row of each table read.
        assertEquals("3", browser.findElement(By.id("profile-kernels")).getAttribute("data-bars"));
        assertEquals("2", browser.findElement(By.id("profile-layers")).getAttribute("data-bars"));
        // Each bar's details carry the row's shares of the device's peak.
        assertEquals("gemm:gemm [TRANS_A=0 TRANS_B=0 TM=16 TN=16]: 1657 calls, 61.2%, 40.5 GFLOP/s, 1.07 GB/s, 27.0% of peak FLOP/s, "
                + "4.1% of peak bandwidth", browser.findElement(By.id("profile-kernels")).getAttribute("data-first"));
        assertEquals("gen.0 Linear: 83 launches, 0.3%, 27.3 GFLOP/s, 18.2% of peak FLOP/s, 12.0% of peak bandwidth",
                browser.findElement(By.id("profile-layers")).getAttribute("data-first"));
        assertTrue(browser.findElement(By.id("profile-summary")).getText().startsWith("steps: 71; launches per step: 93.0"));
        // A conditional run's samples: one label per class row.
        List<String> labels = browser.findElements(By.cssSelector("#class-labels li")).stream().map(WebElement::getText).toList();
        assertEquals(List.of("class 0", "class 1", "class 2"), labels);
        ((JavascriptExecutor) browser).executeScript("document.getElementById('profile-box').scrollIntoView();");
        screenshot("profile");

        // The samples slider: the newest epoch first, then one step back.
        WebElement samples = browser.findElement(By.id("samples"));
        assertEquals("2", samples.getAttribute("data-epoch"));
        browser.findElement(By.id("samples-slider")).sendKeys(Keys.ARROW_LEFT);
        waitFor("epoch 1's samples", 2000, () -> "1".equals(samples.getAttribute("data-epoch")));
        assertTrue(samples.getAttribute("src").endsWith("/runs/gan-a/samples-epoch-1.png"), samples.getAttribute("src"));
        waitFor("the picture loaded", 2000, () -> Boolean.TRUE.equals(((JavascriptExecutor) browser).executeScript(
                "const i = document.getElementById('samples'); return i.complete && i.naturalWidth === 64;")));
    }
}
