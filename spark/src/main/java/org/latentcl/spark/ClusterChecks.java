package org.latentcl.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;

/**
 * What a run checks before it asks Spark for anything, so that a cluster it cannot use is one line
 * at once rather than minutes of Spark's retries: the master answers, dynamic allocation is off
 * (barrier stages need a fixed set of executors), and, when a round's stage cannot get its slots,
 * the failure says so instead of being retried.
 */
final class ClusterChecks {
    /** How long the master may take to accept a connection. */
    static final int CONNECT_MS = 5_000;
    private static final Pattern STANDALONE = Pattern.compile("spark://([^:/,]+):(\\d+)");
    private static final Pattern SLOTS = Pattern.compile("requires (\\d+) slots, but only (\\d+) are available");

    private ClusterChecks() {
    }

    /** Refuses a configuration a barrier run cannot use. */
    static void check(SparkConf conf) {
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            throw new SparkTrain.UsageException("barrier rounds need a fixed set of executors: run with spark.dynamicAllocation.enabled=false");
        }
        String master = conf.get("spark.master", "");
        Matcher m = STANDALONE.matcher(master);
        if (m.matches()) {
            reachable(m.group(1), Integer.parseInt(m.group(2)), master);
        }
    }

    /** Refuses a standalone master that does not accept a connection within {@link #CONNECT_MS}. */
    static void reachable(String host, int port, String url) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), CONNECT_MS);
        } catch (IOException e) {
            throw new SparkTrain.UsageException("cannot reach the Spark master " + url + " (" + e.getMessage() + ")");
        }
    }

    /** The one line for a round that could not get its task slots, or null when the failure was something else. */
    static String missingSlots(Throwable e, int tasks) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = SLOTS.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return "--tasks " + tasks + " needs " + m.group(1) + " task slots at once, but the cluster has " + m.group(2)
                        + " free (a barrier round runs all its tasks together)";
            }
            if (String.valueOf(t.getMessage()).contains("Barrier execution mode does not allow run a barrier stage that requires more slots")) {
                return "--tasks " + tasks + " needs more task slots at once than the cluster has (a barrier round runs all its tasks together)";
            }
        }
        return null;
    }
}
