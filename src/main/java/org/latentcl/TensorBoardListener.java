package org.latentcl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.latentcl.io.TensorBoardEvents;

/**
 * Writes a run's epochs as TensorBoard events beside metrics.jsonl ({@link Trainer.Builder#tensorboard}): every number
 * of the epoch's metrics line as a scalar under its metrics.jsonl name, and the epoch's pictures (samples, and a VAE's
 * reconstructions) as images, at the epoch as the step. Each run (and each resumed part of one) writes its own file, as
 * PyTorch's SummaryWriter does; TensorBoard shows the files of a directory as one run.
 */
final class TensorBoardListener implements TrainingListener {
    /** The pictures an epoch leaves in the run directory that TensorBoard shows, by file name; those absent are skipped. */
    private static final String[] PICTURES = {"samples.png", "reconstructions.png"};
    /** Tells apart the files of runs this process starts within one second, as PyTorch's global uid does. */
    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();
    private final Path dir;
    private final TensorBoardEvents events;

    TensorBoardListener(Path dir) {
        this.dir = dir;
        double now = System.currentTimeMillis() / 1000.0;
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost").replaceAll("[^A-Za-z0-9.-]", "_");
        this.events = new TensorBoardEvents(dir.resolve("events.out.tfevents." + (long) now + "." + host + "." + ProcessHandle.current().pid()
                + "." + RUNS.getAndIncrement()),
                now);
    }

    @Override
    public void epoch(EpochMetrics m) {
        write(m.epoch(), m.toMap());
    }

    @Override
    public void ganEpoch(GanEpochMetrics m) {
        write(m.epoch(), m.toMap());
    }

    private void write(int epoch, Map<String, Object> metrics) {
        double now = System.currentTimeMillis() / 1000.0;
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            if (!e.getKey().equals("epoch") && e.getValue() instanceof Number n && Double.isFinite(n.doubleValue())) {
                events.scalar(e.getKey(), epoch, now, n.floatValue());
            }
        }
        try {
            for (String picture : PICTURES) {
                Path png = dir.resolve(picture);
                if (Files.isRegularFile(png)) {
                    events.image(picture.substring(0, picture.length() - ".png".length()), epoch, now, Files.readAllBytes(png));
                }
            }
            events.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
