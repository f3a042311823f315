#!/usr/bin/env bash
# Hot deployment under load:
#  1. immediate calls per second to echo.echo (8 clients, keep-alive, client certificate) for 20 s
#     without redeploys, then for 20 s while the echo jar is redeployed every second (written beside
#     the deploy directory, then renamed into it), twice in alternation; failed calls in each phase;
#  2. time from a file landing in the deploy directory to the first successful call of the new
#     version (a YAML command service whose answer names its version), 40 times: median and p99.
# Usage: bench/redeploy.sh        (build first: mvn -q -DskipTests package; needs root or ab and curl)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
port=${SG_PORT:-18463}
seconds=${SECONDS_PER_PHASE:-20}
command -v ab >/dev/null || { [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apache2-utils >/dev/null; }
bench_built server/target/sandgate-server.jar services/examples/echo/target/sandgate-example-echo.jar
bench_workdir
cleanup() {
    [ -n "${redeployer:-}" ] && kill "$redeployer" 2>/dev/null || true
    bench_stop "${sg_pid:-}"
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

bench_site bench
jar="$here/services/examples/echo/target/sandgate-example-echo.jar"
cp "$jar" "$work/conf/services/echo.jar"
bench_own
"${run_as[@]}" "$sg" run --conf "$work/conf" --data "$work/var" --https-port "$port" --http-port 0 > "$work/sandgate.out" 2>&1 &
sg_pid=$!
bench_ready "$port" "$work/sandgate.out"
url="https://localhost:$port/api/v1/services/echo/echo"
echo '{"args": ["hello"]}' > "$work/body.json"
load() {  # load FILE: $seconds of calls, 8 clients
    ab -q -k -c 8 -t "$seconds" -n 10000000 -E "$work/user/both.pem" -p "$work/body.json" -T application/json "$url" > "$1" 2>&1
}
rate() { awk '/Requests per second/ {print $4}' "$1"; }
failed() { awk '/^Failed requests/ {f=$3} /^Non-2xx/ {n=$3} END {print f + n}' "$1"; }

ab -q -k -c 8 -n 100000 -E "$work/user/both.pem" -p "$work/body.json" -T application/json "$url" > /dev/null   # warm up
for round in 1 2; do
    load "$work/steady-$round.txt"
    ( while true; do
          cp "$jar" "$work/conf/services/.echo.jar.part" && mv -f "$work/conf/services/.echo.jar.part" "$work/conf/services/echo.jar"
          sleep 1
      done ) &
    redeployer=$!
    load "$work/redeploying-$round.txt"
    kill "$redeployer"; wait "$redeployer" 2>/dev/null || true; redeployer=
done
redeploys=$(grep -c "service echo redeployed" "$work/sandgate.out" || true)

# 2. time from a new file to the first call of the new version
yaml() { printf 'service: bench.version\nmethods:\n  which:\n    kind: immediate\n    command: [echo, "%s"]\n' "$1"; }
call() { curl -s --cacert "$work/ca/ca.pem" --cert "$work/user/both.pem" -H 'Content-Type: application/json' \
    -d '{}' "https://localhost:$port/api/v1/services/bench/version/which"; }
for i in $(seq 1 40); do
    yaml "$i" > "$work/conf/services/.version.part"
    t0=$EPOCHREALTIME
    mv -f "$work/conf/services/.version.part" "$work/conf/services/version.yaml"
    until call | grep -q "\"stdout\":\"$i\\\\n\""; do :; done
    t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f\n", (b-a)*1000}'
    sleep 0.3
done > "$work/latency.ms"
pct() { sort -n "$work/latency.ms" | awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p/100+0.999); if (i<1) i=1; print a[i]}'; }

echo "| phase ($seconds s, 8 clients) | round 1 calls/s | failed | round 2 calls/s | failed |"
echo "|---|---|---|---|---|"
echo "| no redeploys | $(rate "$work/steady-1.txt") | $(failed "$work/steady-1.txt") | $(rate "$work/steady-2.txt") | $(failed "$work/steady-2.txt") |"
echo "| echo.jar redeployed every second | $(rate "$work/redeploying-1.txt") | $(failed "$work/redeploying-1.txt") | $(rate "$work/redeploying-2.txt") | $(failed "$work/redeploying-2.txt") |"
echo "| ratio | $(awk -v a="$(rate "$work/redeploying-1.txt")" -v b="$(rate "$work/steady-1.txt")" 'BEGIN {printf "%.2f", a/b}') | | $(awk -v a="$(rate "$work/redeploying-2.txt")" -v b="$(rate "$work/steady-2.txt")" 'BEGIN {printf "%.2f", a/b}') | |"
echo "($redeploys redeploys in all)"
echo
echo "file in the deploy directory -> first call of the new version: median $(pct 50) ms, p99 $(pct 99) ms (40 redeploys)"
