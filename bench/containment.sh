#!/usr/bin/env bash
# The cost of containing local jobs, measured paired: two servers of the same site run side by side,
# one with jobs.containment: none and one with bwrap, and every measurement is taken on both, one
# right after the other, in an order that alternates, so that the load of the machine (shared with
# other work) hits both alike and each pair gives a ratio bwrap/none:
#  1. job start latency: from the job-launching call to the first instruction of the job (the job
#     prints its own clock); JOBS (default 60) pairs of single jobs;
#  2. job-launching calls per second as in sessions.sh (sleepy.add with 0 s; ApacheBench, 8
#     concurrent clients, client certificate); ROUNDS (default 10) pairs of CALLS (default 400)
#     calls, both servers' queued jobs left to end before each pair.
# The figures are the medians of the pairs' values and of their ratios, with the ratios' quartiles.
# Usage: bench/containment.sh      (build first: mvn -q -DskipTests package; needs root or the tools)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
sg_port=${SG_PORT:-18443}
rounds=${ROUNDS:-10}
jobs=${JOBS:-60}
calls=${CALLS:-400}
bench_need ab:apache2-utils bwrap:bubblewrap openssl:openssl
bench_built server/target/sandgate-server.jar services/examples/sleepy/target/sandgate-example-sleepy.jar
bench_workdir
declare -A pid port
cleanup() {
    bench_stop "${pid[none]:-}"
    bench_stop "${pid[bwrap]:-}"
    wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT

bench_site bench
cp "$here/services/examples/sleepy/target/sandgate-example-sleepy.jar" "$work/conf/services/"
cat > "$work/conf/services/clock.yaml" <<'YAML'
service: clock
methods:
  now:
    command: [date, "+%s%N"]
YAML
for mode in none bwrap; do
    mkdir -p "$work/conf-$mode"
    cp -a "$work/conf/." "$work/conf-$mode/"
    printf 'batch:\n  local:\n    slots: 2\nlimits:\n  sessions:\n    strong: 100000\njobs:\n  containment: %s\n' \
        "$mode" > "$work/conf-$mode/sandgate.yaml"
done
bench_own
cert=(-E "$work/user/both.pem")
port[none]=$sg_port
port[bwrap]=$((sg_port + 1))
for mode in none bwrap; do
    "${run_as[@]}" "$sg" run --conf "$work/conf-$mode" --data "$work/var-$mode" --https-port "${port[$mode]}" \
        --http-port 0 >> "$work/sandgate-$mode.out" 2>&1 &
    pid[$mode]=$!
done
for mode in none bwrap; do
    bench_ready "${port[$mode]}" "$work/sandgate-$mode.out" 60
    grep -q "containment: $( [ "$mode" = bwrap ] && echo bubblewrap || echo NONE)" "$work/sandgate-$mode.out" \
        || { echo "the $mode server does not run with containment $mode" >&2; exit 1; }
done

load() { cut -d' ' -f1-3 /proc/loadavg; }
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
quartile() { sort -g | awk -v q="$1" '{a[NR] = $1} END {i = int(NR * q / 4 + 0.5); if (i < 1) i = 1; print a[i]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {print a / b}'; }
pending() {  # $1: mode; its jobs that have not left their exit code yet
    local n=0 d
    for d in "$work/var-$1"/sandboxes/*/; do
        [ -d "$d" ] || continue
        compgen -G "$d.sandgate/exit-*" > /dev/null || n=$((n + 1))
    done
    echo "$n"
}
sandbox() {  # $1: mode, $2: session id -> its sandbox (named sb + HMAC-SHA256 of the id, see README)
    local key
    key=$(cat "$work/var-$1/state/sandbox-names.key")
    printf '%s/var-%s/sandboxes/sb%s\n' "$work" "$1" "$(printf %s "$2" \
        | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" | awk '{print substr($NF, 1, 32)}')"
}
# the start latency of one job on a server, in ms: the job's own clock minus the time the call was sent
start_latency() {
    local mode=$1 url="https://localhost:${port[$1]}" sent id state out
    sent=$(date +%s%N)
    id=$(curl -sf --cacert "$work/ca/ca.pem" "${cert[@]}" -H 'Content-Type: application/json' -d '{"args": []}' \
        "$url/api/v1/services/clock/now" | sed -n 's/.*"session":"\([0-9a-f]*\)".*/\1/p')
    for _ in $(seq 1 400); do
        state=$(curl -sf --cacert "$work/ca/ca.pem" "${cert[@]}" "$url/api/v1/sessions/$id" \
            | sed -n 's/.*"state":"\([A-Z]*\)".*/\1/p')
        [ "$state" = DONE ] && break
        sleep 0.02
    done
    [ "$state" = DONE ] || { echo "the $mode job $id did not end" >&2; exit 1; }
    out=$(cat "$(sandbox "$mode" "$id")/stdout")
    awk -v a="$out" -v b="$sent" 'BEGIN {print (a - b) / 1e6}'
}
drain() {
    for _ in $(seq 1 1200); do
        [ "$(pending none)" = 0 ] && [ "$(pending bwrap)" = 0 ] && return
        sleep 0.5
    done
    echo "queued jobs did not end" >&2; exit 1
}

echo "load average at start: $(load) ($(nproc) cores); JOBS=$jobs ROUNDS=$rounds CALLS=$calls"
for mode in none bwrap; do start_latency "$mode" > /dev/null; done    # warm-up
: > "$work/latency-none"; : > "$work/latency-bwrap"; : > "$work/latency-ratio"
for i in $(seq 1 "$jobs"); do
    if [ $((i % 2)) = 1 ]; then order="none bwrap"; else order="bwrap none"; fi
    for mode in $order; do start_latency "$mode" > "$work/one-$mode"; done
    cat "$work/one-none" >> "$work/latency-none"
    cat "$work/one-bwrap" >> "$work/latency-bwrap"
    ratio "$(cat "$work/one-bwrap")" "$(cat "$work/one-none")" >> "$work/latency-ratio"
done
printf 'start latency: %s pairs done, load %s\n' "$jobs" "$(load)"

echo '{"args": [0, 3, 5]}' > "$work/body.json"
for mode in none bwrap; do
    ab -q -n 100 -c 8 "${cert[@]}" -p "$work/body.json" -T application/json \
        "https://localhost:${port[$mode]}/api/v1/services/sleepy/add" >/dev/null
done
: > "$work/rate-none"; : > "$work/rate-bwrap"; : > "$work/rate-ratio"
for round in $(seq 1 "$rounds"); do
    drain
    if [ $((round % 2)) = 1 ]; then order="none bwrap"; else order="bwrap none"; fi
    for mode in $order; do
        ab -q -n "$calls" -c 8 "${cert[@]}" -p "$work/body.json" -T application/json \
            "https://localhost:${port[$mode]}/api/v1/services/sleepy/add" > "$work/ab-$mode.txt"
        non2xx=$(awk '/Non-2xx/ {print $3}' "$work/ab-$mode.txt")
        [ -z "$non2xx" ] || { echo "round $round $mode: $non2xx failed calls" >&2; exit 1; }
        awk '/Requests per second/ {print $4}' "$work/ab-$mode.txt" > "$work/one-$mode"
    done
    cat "$work/one-none" >> "$work/rate-none"
    cat "$work/one-bwrap" >> "$work/rate-bwrap"
    ratio "$(cat "$work/one-bwrap")" "$(cat "$work/one-none")" >> "$work/rate-ratio"
    printf 'round %2s  calls/s none %7.1f  bwrap %7.1f  ratio %.2f  load %s\n' "$round" "$(cat "$work/one-none")" \
        "$(cat "$work/one-bwrap")" "$(tail -1 "$work/rate-ratio")" "$(load)"
done
drain

printf '\nmedians                      none      bwrap   bwrap/none of the pairs (quartiles)\n'
printf 'job start latency (ms)   %8.1f  %9.1f  %6.2f (%.2f-%.2f)   %s pairs\n' \
    "$(median < "$work/latency-none")" "$(median < "$work/latency-bwrap")" "$(median < "$work/latency-ratio")" \
    "$(quartile 1 < "$work/latency-ratio")" "$(quartile 3 < "$work/latency-ratio")" "$jobs"
printf 'create calls/s           %8.1f  %9.1f  %6.2f (%.2f-%.2f)   %s pairs of %s calls\n' \
    "$(median < "$work/rate-none")" "$(median < "$work/rate-bwrap")" "$(median < "$work/rate-ratio")" \
    "$(quartile 1 < "$work/rate-ratio")" "$(quartile 3 < "$work/rate-ratio")" "$rounds" "$calls"
echo "load average at the end: $(load)"
