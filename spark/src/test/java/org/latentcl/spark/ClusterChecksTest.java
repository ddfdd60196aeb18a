package org.latentcl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/** The checks that turn a cluster a run cannot use into one line before Spark spends minutes retrying. */
class ClusterChecksTest {
    @Test
    void dynamicAllocationIsRefused() {
        SparkConf conf = new SparkConf(false).set("spark.master", "local[2]").set("spark.dynamicAllocation.enabled", "true");
        SparkTrain.UsageException e = assertThrows(SparkTrain.UsageException.class, () -> ClusterChecks.check(conf));
        assertTrue(e.getMessage().contains("spark.dynamicAllocation.enabled=false"), e.getMessage());
    }

    @Test
    void aMasterThatDoesNotAnswerIsRefusedWithinSeconds() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SparkConf conf = new SparkConf(false).set("spark.master", "spark://127.0.0.1:" + port);
        long t0 = System.nanoTime();
        SparkTrain.UsageException e = assertThrows(SparkTrain.UsageException.class, () -> ClusterChecks.check(conf));
        assertTrue((System.nanoTime() - t0) / 1e9 <= ClusterChecks.CONNECT_MS / 1000.0 + 1, "within the connect timeout");
        assertTrue(e.getMessage().startsWith("cannot reach the Spark master spark://127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void aReachableMasterAndLocalModePass() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            ClusterChecks.check(new SparkConf(false).set("spark.master", "spark://127.0.0.1:" + s.getLocalPort()));
        }
        ClusterChecks.check(new SparkConf(false).set("spark.master", "local[1]"));
    }

    /** Spark's own words for a barrier stage without its slots, as its DAGScheduler reports them, become the run's line. */
    @Test
    void missingSlotsAreNamed() {
        SparkException spark = new SparkException("[SPARK-24819]: Barrier execution mode does not allow run a barrier stage that requires "
                + "more slots than the total number of slots in the cluster currently. Please init a new cluster with more resources");
        assertEquals("--tasks 3 needs more task slots at once than the cluster has (a barrier round runs all its tasks together)",
                ClusterChecks.missingSlots(new RuntimeException("job failed", spark), 3));
        assertEquals("--tasks 2 needs 2 task slots at once, but the cluster has 0 free (a barrier round runs all its tasks together)",
                ClusterChecks.missingSlots(new IllegalStateException("Barrier stage in job 0 requires 2 slots, but only 0 are available."), 2));
        assertNull(ClusterChecks.missingSlots(new IllegalStateException("lost executor 1"), 2));
    }
}
