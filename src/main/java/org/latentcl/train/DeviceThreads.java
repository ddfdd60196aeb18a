package org.latentcl.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * One thread per device of a data-parallel run: a task runs on every device's thread at once and
 * the caller waits for all. A device's queue, kernels and buffers are only ever touched from its
 * own thread. Each call returns how long every device took, for the profile.
 */
final class DeviceThreads implements AutoCloseable {
    private final List<ExecutorService> threads = new ArrayList<>();
    private final List<String> ids;

    DeviceThreads(List<String> ids) {
        this.ids = List.copyOf(ids);
        for (String id : ids) {
            threads.add(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "latentcl-" + id);
                t.setDaemon(true);
                return t;
            }));
        }
    }

    int size() {
        return threads.size();
    }

    List<String> ids() {
        return ids;
    }

    /**
     * Runs {@code task.accept(i)} on device i's thread for every device and waits for all of them.
     * Returns each device's time in nanoseconds. When devices fail, the first in device order is
     * thrown, naming its device, after every device has stopped; the others are suppressed in it.
     */
    long[] all(IntConsumer task) {
        List<Future<Long>> running = new ArrayList<>();
        for (int i = 0; i < threads.size(); i++) {
            int device = i;
            running.add(threads.get(i).submit(() -> {
                long t0 = System.nanoTime();
                task.accept(device);
                return System.nanoTime() - t0;
            }));
        }
        long[] nanos = new long[running.size()];
        RuntimeException failure = null;
        for (int i = 0; i < running.size(); i++) {
            try {
                nanos[i] = running.get(i).get();
            } catch (ExecutionException e) {
                RuntimeException cause = failed(ids.get(i), e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for device " + ids.get(i), e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return nanos;
    }

    /** A device's failure as "cl:2 failed: CAUSE", so that the run's error says which of its devices it was. */
    private static RuntimeException failed(String id, Throwable cause) {
        String what = cause.getMessage() == null || cause.getMessage().isBlank() ? cause.getClass().getSimpleName() : cause.getMessage();
        return new IllegalStateException(id + " failed: " + what, cause);
    }

    @Override
    public void close() {
        threads.forEach(ExecutorService::shutdownNow);
    }
}
