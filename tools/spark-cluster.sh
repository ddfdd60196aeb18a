#!/usr/bin/env bash
# A real Apache Spark standalone cluster on this machine, assembled from the jars Maven resolves
# (no Spark distribution needed): a master and N workers on 127.0.0.1, each its own JVM.
#
#   tools/spark-cluster.sh start N   starts the master and N workers (1 core, 2 GB each), waits until every
#                                    worker has registered, and prints the master URL as its last line
#   tools/spark-cluster.sh stop      stops exactly the processes `start` started (and their executors)
#   tools/spark-cluster.sh home      prints the Spark home, assembling it first
#   tools/spark-cluster.sh status    prints the master URL and the workers' pids, or says none runs
#
# The Spark home is spark/target/spark-home (its jars/ from spark/pom.xml's provided dependencies);
# the cluster's pids, logs and work directories are in spark/target/spark-cluster. The environment
# variable LATENTCL_SPARK_WORKER_MEMORY sets each worker's memory (default 2g).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
home="$root/spark/target/spark-home"
state="$root/spark/target/spark-cluster"

die() { echo "spark-cluster: $*" >&2; exit 2; }

# The Spark home: jars/ holding Spark and its dependencies as spark/pom.xml resolves them.
assemble() {
    if ! ls "$home/jars"/spark-core_*.jar >/dev/null 2>&1; then
        command -v mvn >/dev/null || die "mvn is needed to assemble the Spark home from Maven's jars"
        mvn -B -q -f "$root/spark/pom.xml" dependency:copy-dependencies -DincludeScope=provided \
            -DoutputDirectory="$home/jars" >&2 || die "could not resolve Spark's jars with Maven (see above)"
    fi
}

# The same Java and environment for every Spark JVM: the launcher finds jars/ under SPARK_HOME and
# needs the Scala version (a distribution's RELEASE layout is not there); everything binds to loopback.
spark_env() {
    export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$state/logs"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    local n=${1:-}
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "start needs the number of workers, a whole number of at least 1 (got '${n}')"
    if [ -s "$state/pids" ]; then
        while read -r pid; do
            if kill -0 "$pid" 2>/dev/null; then
                die "a cluster started here still runs (pid $pid; master $(cat "$state/master" 2>/dev/null)); stop it first"
            fi
        done < "$state/pids"
    fi
    assemble
    spark_env
    rm -rf "$state"
    mkdir -p "$state/logs"
    local port ui
    port=$(free_port)
    ui=$(free_port)
    local url="spark://127.0.0.1:$port"
    java -Xmx512m -cp "$home/jars/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
        --webui-port "$ui" > "$state/logs/master.log" 2>&1 &
    echo $! >> "$state/pids"
    echo "$url" > "$state/master"
    echo "http://127.0.0.1:$ui" > "$state/master-ui"
    wait_for "the master" 60 "grep -qs 'I have been elected leader' '$state/logs/master.log'"
    local memory=${LATENTCL_SPARK_WORKER_MEMORY:-2g}
    for i in $(seq 1 "$n"); do
        mkdir -p "$state/work-$i"
        java -Xmx512m -cp "$home/jars/*" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory "$memory" \
            --webui-port "$(free_port)" --work-dir "$state/work-$i" "$url" > "$state/logs/worker-$i.log" 2>&1 &
        echo $! >> "$state/pids"
    done
    for i in $(seq 1 "$n"); do
        wait_for "worker $i" 90 "grep -qs 'Successfully registered with master' '$state/logs/worker-$i.log'"
    done
    echo "spark-cluster: master and $n worker(s) running; logs in $state/logs; stop with tools/spark-cluster.sh stop" >&2
    echo "$url"
}

# Waits up to $2 seconds for the shell test $3; on a timeout stops what started and fails.
wait_for() {
    local what=$1 seconds=$2 test=$3
    for _ in $(seq 1 $((seconds * 4))); do
        if eval "$test"; then
            return 0
        fi
        sleep 0.25
    done
    stop >/dev/null 2>&1 || true
    die "$what did not come up within $seconds s (logs: $state/logs)"
}

# Stops the recorded processes: TERM (a worker then stops its executors), then KILL after 15 s.
stop() {
    if [ ! -s "$state/pids" ]; then
        echo "spark-cluster: no cluster started here" >&2
        return 0
    fi
    local pids
    pids=$(tac "$state/pids")
    for pid in $pids; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 60); do
        local alive=0
        for pid in $pids; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        [ "$alive" = 0 ] && break
        sleep 0.25
    done
    for pid in $pids; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    : > "$state/pids"
    echo "spark-cluster: stopped" >&2
}

status() {
    if [ -s "$state/pids" ] && kill -0 "$(head -1 "$state/pids")" 2>/dev/null; then
        echo "master $(cat "$state/master") (web UI $(cat "$state/master-ui")), pids: $(tr '\n' ' ' < "$state/pids")"
    else
        echo "spark-cluster: no cluster runs" >&2
        return 1
    fi
}

case "${1:-}" in
    start) start "${2:-}" ;;
    stop) stop ;;
    home) assemble; echo "$home" ;;
    status) status ;;
    *) die "usage: tools/spark-cluster.sh start N | stop | status | home" ;;
esac
