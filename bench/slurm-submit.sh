#!/usr/bin/env bash
# Submitting to Slurm through Sandgate, side by side with plain sbatch and with slurmrestd:
#  1. latency of one submission, one client after the other (200 each, after 20 to warm up):
#     - Sandgate: POST /api/v1/services/sleepy/add over HTTPS with a client certificate, keep-alive
#       (ApacheBench -k -c 1); the call returns once sbatch has accepted the job;
#     - sbatch: the same job script on standard input, with the same options;
#     - slurmrestd: POST /slurm/v0.0.38/job/submit with a JWT, keep-alive (ApacheBench -k -c 1);
#     all jobs are held (--hold), so the node's load does not change between the three;
#  2. the cost of following 1,000 queued jobs: squeue calls Sandgate makes per poll interval
#     (from its /metrics), and how long one such squeue call takes.
# Usage: bench/slurm-submit.sh    (as root; build first: mvn -q -DskipTests package)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
port=${SG_PORT:-18453}
rounds=200
[ "$(id -u)" = 0 ] || { echo "run as root: it starts Slurm and slurmrestd" >&2; exit 1; }
bench_built server/target/sandgate-server.jar services/examples/sleepy/target/sandgate-example-sleepy.jar
command -v ab >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apache2-utils >/dev/null
bash "$here/scripts/batch-systems-localhost.sh" slurm rest >/dev/null
. /etc/sandgate-batch-test.env

bench_workdir
cleanup() {
    bench_stop "${sg_pid:-}"
    scancel --name=sgbench 2>/dev/null || true
    scancel --user=nobody 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

bench_site nobody
cp "$here/services/examples/sleepy/target/sandgate-example-sleepy.jar" "$work/conf/services/"
cat > "$work/conf/sandgate.yaml" <<YAML
batch:
  default: slurm
  poll_seconds: 2.0
  slurm:
    options: ["--hold"]
tls:
  provider: ${TLS_PROVIDER:-auto}
YAML
chown -R nobody "$work"
runuser -u nobody -- "$sg" run --conf "$work/conf" --data "$work/var" --https-port "$port" --http-port 0 > "$work/sandgate.out" 2>&1 &
sg_pid=$!
bench_ready "$port" "$work/sandgate.out"

# percentiles of a column of milliseconds
pct() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p/100+0.999); if (i<1) i=1; printf "%.1f", a[i]}'; }

# 1a. Sandgate
echo '{"args": [0, 3, 5]}' > "$work/body.json"
sg_url="https://localhost:$port/api/v1/services/sleepy/add"
ab -q -k -c 1 -n 20 -E "$work/user/both.pem" -p "$work/body.json" -T application/json "$sg_url" >/dev/null
ab -q -k -c 1 -n "$rounds" -E "$work/user/both.pem" -p "$work/body.json" -T application/json -g "$work/sg.tsv" "$sg_url" > "$work/sg.txt"
sg_fail=$(awk '/Non-2xx/ {print $3}' "$work/sg.txt"); sg_fail=${sg_fail:-0}
tail -n +2 "$work/sg.tsv" | awk -F'\t' '{print $5}' > "$work/sg.ms"

# 1b. sbatch, the same script and options as Sandgate's
script='#!/bin/bash
true'
for i in $(seq 1 $((rounds + 20))); do
    t0=$EPOCHREALTIME
    sbatch --parsable --hold --job-name=sgbench --chdir=/tmp --output=/dev/null --error=/dev/null --time=1 \
        --export=ALL <<< "$script" > /dev/null
    t1=$EPOCHREALTIME
    [ "$i" -gt 20 ] && awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b-a)*1000}'
done > "$work/sbatch.ms"

# 1c. slurmrestd
token=$(scontrol token username=root lifespan=3600 | cut -d= -f2)
printf '{"job":{"name":"sgbench","hold":true,"time_limit":1,"current_working_directory":"/tmp","standard_output":"/dev/null","environment":{"PATH":"/usr/bin:/bin"}},"script":"#!/bin/bash\\ntrue\\n"}' > "$work/rest.json"
rest_url="$SLURMRESTD_URL/slurm/v0.0.38/job/submit"
rest_headers=(-H "X-SLURM-USER-NAME: root" -H "X-SLURM-USER-TOKEN: $token")
ab -q -k -c 1 -n 20 "${rest_headers[@]}" -p "$work/rest.json" -T application/json "$rest_url" >/dev/null
ab -q -k -c 1 -n "$rounds" "${rest_headers[@]}" -p "$work/rest.json" -T application/json -g "$work/rest.tsv" "$rest_url" > "$work/rest.txt"
tail -n +2 "$work/rest.tsv" | awk -F'\t' '{print $5}' > "$work/rest.ms"

sg50=$(pct 50 < "$work/sg.ms"); sg99=$(pct 99 < "$work/sg.ms")
sb50=$(pct 50 < "$work/sbatch.ms"); sb99=$(pct 99 < "$work/sbatch.ms")
rs50=$(pct 50 < "$work/rest.ms"); rs99=$(pct 99 < "$work/rest.ms")

# 2. following 1,000 queued jobs
ab -q -c 4 -n 1000 -E "$work/user/both.pem" -p "$work/body.json" -T application/json "$sg_url" > /dev/null
queued=$(squeue -h -u nobody -t PENDING | wc -l)
calls() { curl -s --cacert "$work/ca/ca.pem" --cert "$work/user/both.pem" "https://localhost:$port/metrics" \
    | awk '/^sandgate_batch_commands_total\{program="squeue"\}/ {printf "%d", $2}'; }
c0=$(calls); sleep 30; c1=$(calls)
per_poll=$(awk -v c=$((c1 - c0)) 'BEGIN {printf "%.2f", c / (30 / 2.0)}')
ids=$(squeue -h -u nobody -o %i | paste -sd,)
t0=$EPOCHREALTIME
squeue --noheader --states=all --jobs="$ids" --format='%i|%T|%r' > /dev/null
t1=$EPOCHREALTIME
squeue_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", (b-a)*1000}')

echo "| submission (held job), $rounds one after the other | median | p99 |"
echo "|---|---|---|"
echo "| sbatch | $sb50 ms | $sb99 ms |"
echo "| slurmrestd POST /job/submit (keep-alive) | $rs50 ms | $rs99 ms |"
echo "| Sandgate POST /api/v1/services/sleepy/add (keep-alive, client certificate; failed: $sg_fail) | $sg50 ms | $sg99 ms |"
echo "| Sandgate overhead over sbatch | $(awk -v a="$sg50" -v b="$sb50" 'BEGIN {printf "%.1f", a-b}') ms | $(awk -v a="$sg99" -v b="$sb99" 'BEGIN {printf "%.1f", a-b}') ms |"
echo
echo "following $queued queued jobs: $((c1 - c0)) squeue calls in 30 s at poll_seconds 2.0 = $per_poll calls per poll interval; one squeue call for all of them: $squeue_ms ms"
