#!/usr/bin/env bash
# The command-line client against curl, on a local server:
#  1. wall time of `sandgate whoami` (a whole command: launcher, the agent's answer or a JVM of its
#     own, credential, TLS, request, printing) and of the same request made by curl, 20 runs each,
#     alternating; medians and their ratio; also the first run (which starts the agent) and runs
#     with SANDGATE_AGENT=off (a JVM per command);
#  2. throughput of `sandgate fetch` of a 1 GiB sandbox file against `curl` fetching the same URL,
#     3 rounds alternating; medians and their ratio.
# Usage: bench/cli.sh     (build first: mvn -q -DskipTests package; as root the server runs as nobody)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
port=${SG_PORT:-18473}
bench_built server/target/sandgate-server.jar client/target/sandgate-client.jar \
    services/examples/sleepy/target/sandgate-example-sleepy.jar
bench_workdir
cleanup() {
    [ -n "${XDG_CACHE_HOME:-}" ] && "$here/bin/sandgate" agent stop >/dev/null 2>&1 || true
    bench_stop "${sg_pid:-}"
    wait 2>/dev/null || true
    [ -n "${down:-}" ] && rm -f "$down/big.bin"
    rm -rf "$work"
}
trap cleanup EXIT
bench_site bench
cp "$here/services/examples/sleepy/target/sandgate-example-sleepy.jar" "$work/conf/services/"
bench_own
"${run_as[@]}" "$sg" run --conf "$work/conf" --data "$work/var" --https-port "$port" --http-port 0 > "$work/sandgate.out" 2>&1 &
sg_pid=$!
bench_ready "$port" "$work/sandgate.out"

export X509_USER_CERT="$work/user/usercert.pem" X509_USER_KEY="$work/user/userkey.pem" SANDGATE_URL="https://localhost:$port"
export XDG_CACHE_HOME="$work/cache"     # the class-data archive and the agent of this run only
unset XDG_RUNTIME_DIR SANDGATE_AGENT
cli=("$here/bin/sandgate")
curl_auth=(--cacert "$work/ca/ca.pem" --cert "$X509_USER_CERT" --key "$X509_USER_KEY")
ms() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f\n", (b-a)*1000}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

t0=$EPOCHREALTIME; "${cli[@]}" whoami --cacert "$work/ca/ca.pem" > /dev/null; t1=$EPOCHREALTIME
first=$(ms "$t0" "$t1")        # starts the agent in the background, answers from a JVM of its own
until "${cli[@]}" agent status >/dev/null 2>&1; do sleep 0.2; done
: > "$work/off.ms"
SANDGATE_AGENT=off "${cli[@]}" whoami --cacert "$work/ca/ca.pem" > /dev/null    # writes the class-data archive
for _ in 1 2 3 4 5; do
    t0=$EPOCHREALTIME; SANDGATE_AGENT=off "${cli[@]}" whoami --cacert "$work/ca/ca.pem" > /dev/null; t1=$EPOCHREALTIME
    ms "$t0" "$t1" >> "$work/off.ms"
done
: > "$work/sg.ms"; : > "$work/curl.ms"
for _ in $(seq 1 20); do
    t0=$EPOCHREALTIME; "${cli[@]}" whoami --cacert "$work/ca/ca.pem" > /dev/null; t1=$EPOCHREALTIME
    ms "$t0" "$t1" >> "$work/sg.ms"
    t0=$EPOCHREALTIME; curl -sf "${curl_auth[@]}" "$SANDGATE_URL/api/v1/whoami" > /dev/null; t1=$EPOCHREALTIME
    ms "$t0" "$t1" >> "$work/curl.ms"
done
t0=$EPOCHREALTIME; "${cli[@]}" --version > /dev/null; t1=$EPOCHREALTIME; jvm=$(ms "$t0" "$t1")
sg_med=$(median < "$work/sg.ms"); curl_med=$(median < "$work/curl.ms"); off_med=$(median < "$work/off.ms")

# 2. a 1 GiB file
called=$("${cli[@]}" call sleepy.add 0 1 1 --wait --cacert "$work/ca/ca.pem")
id=$(printf '%s\n' "$called" | grep -o '[0-9a-f]\{32\}' | head -1)
head -c 1073741824 /dev/urandom > "$(bench_sandbox "$id")/big.bin"
[ "$(id -u)" = 0 ] && chown nobody "$(bench_sandbox "$id")/big.bin"
down=${DOWNLOAD_DIR:-$work/down}    # e.g. /dev/shm/sg-down: no disk write-back in the figures
mkdir -p "$down"
sg_rates=(); curl_rates=()
for _ in $(seq 1 "${FETCH_ROUNDS:-5}"); do
    rm -f "$down/big.bin"
    t0=$EPOCHREALTIME; "${cli[@]}" fetch "$id" big.bin -o "$down" --cacert "$work/ca/ca.pem" > /dev/null; t1=$EPOCHREALTIME
    sg_rates+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", 1024/(b-a)}')")
    rm -f "$down/big.bin"
    t0=$EPOCHREALTIME; curl -sf "${curl_auth[@]}" -o "$down/big.bin" "$SANDGATE_URL/sandbox/$id/big.bin"; t1=$EPOCHREALTIME
    curl_rates+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", 1024/(b-a)}')")
done
sg_rate=$(printf '%s\n' "${sg_rates[@]}" | median); curl_rate=$(printf '%s\n' "${curl_rates[@]}" | median)

echo "| measure | sandgate | curl | ratio |"
echo "|---|---|---|---|"
echo "| whoami, wall time of one run (median of 20) | $sg_med ms | $curl_med ms | $(awk -v a="$sg_med" -v b="$curl_med" 'BEGIN {printf "%.1f x", a/b}') |"
echo "| fetch of 1 GiB (median of ${FETCH_ROUNDS:-5}) | $sg_rate MiB/s | $curl_rate MiB/s | $(awk -v a="$sg_rate" -v b="$curl_rate" 'BEGIN {printf "%.2f", a/b}') |"
echo "(fetch rounds, MiB/s: sandgate ${sg_rates[*]}; curl ${curl_rates[*]})"
echo "(first run, which starts the agent: $first ms; with SANDGATE_AGENT=off, median of 5: $off_med ms; JVM start alone, sandgate --version: $jvm ms)"
