#!/usr/bin/env bash
# The cost of containing local jobs: the same server with jobs.containment: none and bwrap,
# alternating in one run (ROUNDS rounds, default 3; medians over the rounds):
#  1. job start latency: from the job-launching call to the first instruction of the job (the job
#     prints its own start time), JOBS (default 30) jobs one after the other;
#  2. job-launching calls per second as in sessions.sh (sleepy.add with 0 s; ApacheBench, 8
#     concurrent clients, client certificate), CALLS (default 1000) calls; the jobs run meanwhile.
# Usage: bench/containment.sh      (build first: mvn -q -DskipTests package; needs root or the tools)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
sg_port=${SG_PORT:-18443}
rounds=${ROUNDS:-3}
jobs=${JOBS:-30}
calls=${CALLS:-1000}
bench_need ab:apache2-utils bwrap:bubblewrap
bench_built server/target/sandgate-server.jar services/examples/sleepy/target/sandgate-example-sleepy.jar
bench_workdir
cleanup() {
    bench_stop "${sg_pid:-}"
    wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT

bench_site bench
cp "$here/services/examples/sleepy/target/sandgate-example-sleepy.jar" "$work/conf/services/"
cat > "$work/conf/services/clock.yaml" <<'EOF'
service: clock
methods:
  now:
    command: [date, "+%s%N"]
EOF
bench_own
cert=(-E "$work/user/both.pem")
url="https://localhost:$sg_port"

start_sandgate() {  # $1: containment
    printf 'batch:\n  local:\n    slots: 2\nlimits:\n  sessions:\n    strong: 100000\njobs:\n  containment: %s\n' "$1" > "$work/conf/sandgate.yaml"
    rm -rf "$work/var"
    "${run_as[@]}" "$sg" run --conf "$work/conf" --data "$work/var" --https-port "$sg_port" --http-port 0 >> "$work/sandgate-$1.out" 2>&1 &
    sg_pid=$!
    bench_ready "$sg_port" "$work/sandgate-$1.out"
}
stop_sandgate() {
    bench_stop "$sg_pid"
    sg_pid=
}
pending() {  # jobs that have not left their exit code yet
    local n=0 d
    for d in "$work"/var/sandboxes/*/; do compgen -G "$d.sandgate/exit-*" > /dev/null || n=$((n + 1)); done
    echo "$n"
}
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# the start latency of one job, in ms: the job's own clock minus the time the call was sent
start_latency() {
    local sent id state out
    sent=$(date +%s%N)
    id=$(curl -sf --cacert "$work/ca/ca.pem" "${cert[@]}" -H 'Content-Type: application/json' -d '{"args": []}' \
        "$url/api/v1/services/clock/now" | sed -n 's/.*"session":"\([0-9a-f]*\)".*/\1/p')
    for _ in $(seq 1 200); do
        state=$(curl -sf --cacert "$work/ca/ca.pem" "${cert[@]}" "$url/api/v1/sessions/$id" | sed -n 's/.*"state":"\([A-Z]*\)".*/\1/p')
        [ "$state" = DONE ] && break
        sleep 0.05
    done
    out=$(cat "$(bench_sandbox "$id")/stdout")
    echo $(( (out - sent) / 1000 ))
}

for round in $(seq 1 "$rounds"); do
    for mode in none bwrap; do
        start_sandgate "$mode"
        start_latency > /dev/null    # warm-up
        for _ in $(seq 1 "$jobs"); do start_latency; done | median | awk '{print $1 / 1000}' > "$work/latency-$mode-$round"
        echo '{"args": [0, 3, 5]}' > "$work/body.json"
        ab -q -n 100 -c 8 "${cert[@]}" -p "$work/body.json" -T application/json "$url/api/v1/services/sleepy/add" >/dev/null
        ab -q -n "$calls" -c 8 "${cert[@]}" -p "$work/body.json" -T application/json \
            "$url/api/v1/services/sleepy/add" > "$work/create-$mode-$round.txt"
        awk '/Requests per second/ {print $4}' "$work/create-$mode-$round.txt" > "$work/rate-$mode-$round"
        non2xx=$(awk '/Non-2xx/ {print $3}' "$work/create-$mode-$round.txt")
        [ -z "$non2xx" ] || { echo "round $round $mode: $non2xx failed calls" >&2; exit 1; }
        grep -q "containment: $( [ "$mode" = bwrap ] && echo bubblewrap || echo NONE)" "$work/sandgate-$mode.out" \
            || { echo "the $mode server did not run with containment $mode" >&2; exit 1; }
        # let the queued jobs end before the other server starts
        for _ in $(seq 1 600); do [ "$(pending)" = 0 ] && break; sleep 0.5; done
        stop_sandgate
        printf 'round %s %-5s  start latency %6.1f ms   create %7.1f calls/s\n' "$round" "$mode" \
            "$(cat "$work/latency-$mode-$round")" "$(cat "$work/rate-$mode-$round")"
    done
done

for what in latency rate; do
    for mode in none bwrap; do
        cat "$work"/"$what-$mode"-* | median > "$work/$what-$mode"
    done
done
printf '\nmedian of %s rounds      none      bwrap     bwrap/none\n' "$rounds"
printf 'job start latency (ms) %8.1f  %9.1f  %8.2f\n' "$(cat "$work/latency-none")" "$(cat "$work/latency-bwrap")" \
    "$(awk -v a="$(cat "$work/latency-bwrap")" -v b="$(cat "$work/latency-none")" 'BEGIN {print a / b}')"
printf 'create calls/s         %8.1f  %9.1f  %8.2f\n' "$(cat "$work/rate-none")" "$(cat "$work/rate-bwrap")" \
    "$(awk -v a="$(cat "$work/rate-bwrap")" -v b="$(cat "$work/rate-none")" 'BEGIN {print a / b}')"
