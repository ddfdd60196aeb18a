package org.latentcl.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.reflect.ClassTag$;

/**
 * A round as one barrier stage: one partition per task, all launched together or none; results
 * come back in task order. A task that fails fails the stage, and the driver runs the round again.
 */
final class BarrierRounds implements SparkTrain.Rounds {
    private final JavaSparkContext sc;

    BarrierRounds(JavaSparkContext sc) {
        this.sc = sc;
    }

    @Override
    public List<RoundTask.Result> run(List<RoundTask> tasks) {
        RDD<RoundTask> rdd = sc.parallelize(tasks, tasks.size()).rdd();
        RDD<RoundTask.Result> results = rdd.barrier().mapPartitions(
                (scala.Function1<scala.collection.Iterator<RoundTask>, scala.collection.Iterator<RoundTask.Result>> & java.io.Serializable)
                        BarrierRounds::runPartition, false,
                ClassTag$.MODULE$.apply(RoundTask.Result.class));
        Object collected = results.collect();
        List<RoundTask.Result> out = new ArrayList<>();
        for (Object r : (Object[]) collected) {
            out.add((RoundTask.Result) r);
        }
        return out;
    }

    /**
     * A partition holds its one task. Barrier mode already launches the stage's tasks together (or none);
     * the tasks need no {@code BarrierTaskContext.barrier()} among themselves, whose global sync cost
     * about 1 s a round on the local cluster (an empty round: 1.1 s with it, 0.11 s without).
     */
    private static scala.collection.Iterator<RoundTask.Result> runPartition(scala.collection.Iterator<RoundTask> partition) {
        List<RoundTask.Result> done = new ArrayList<>();
        Iterator<RoundTask> it = scala.jdk.javaapi.CollectionConverters.asJava(partition);
        while (it.hasNext()) {
            RoundTask task = it.next();
            // Without --device, the GPUs Spark assigned this task (spark.task.resource.gpu.amount), if any.
            String assigned;
            try {
                assigned = task.devices() == null ? GpuMapping.forThisTask() : task.devices();
            } catch (IllegalArgumentException e) {
                // A GPU Spark assigned that this host's OpenCL does not show: the cluster's setup, not a lost executor.
                throw new RoundTask.RoundFailedException(SparkTrain.EXIT_USAGE, "on " + RoundTask.host() + ": " + e.getMessage());
            }
            done.add(task.onDevices(assigned).run());
        }
        return scala.jdk.javaapi.CollectionConverters.asScala(done.iterator());
    }
}
