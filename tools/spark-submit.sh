#!/usr/bin/env bash
# spark-submit from the Spark home that tools/spark-cluster.sh assembles from Maven's jars: Spark's own
# submit entry point (org.apache.spark.deploy.SparkSubmit) with the arguments as given, as `spark-submit`
# runs on a real cluster. Example:
#   tools/spark-submit.sh --master spark://127.0.0.1:PORT --class org.latentcl.spark.SparkTrain \
#       spark/target/latentcl-spark.jar train vae --tasks 2 --sync-every 100 --out runs/vae-spark
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
home=$(bash "$root/tools/spark-cluster.sh" home)
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
exec java ${LATENTCL_SUBMIT_JAVA_OPTS:--Xmx1g} -cp "$home/jars/*" org.apache.spark.deploy.SparkSubmit "$@"
