#!/usr/bin/env bash
# Many event streams at once, loopback only:
#  1. opens STREAMS (10,000) concurrent GET /api/v1/sessions/{id}/events on one running anonymous
#     session (an asyncio client, 64 handshakes at a time) and holds them;
#  2. while they are open: whoami latency (ApacheBench, 4,000 requests, 8 clients, keep-alive;
#     median and 99th percentile) and an immediate service call (echo, 500 calls, 4 clients);
#  3. the server's memory per stream: resident set size and heap after a full GC, before and after.
# Usage: [TLS_PROVIDER=jdk|conscrypt] bench/event-streams.sh [STREAMS]   (build first: mvn -q -DskipTests package; the hard limit
#        of open files must be above STREAMS + 1000: the client and the server each hold one per stream)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
streams=${1:-10000}
[ "$streams" -le 20000 ] || { echo "at most 20000 streams" >&2; exit 1; }
port=${SG_PORT:-18443}
bench_need ab:apache2-utils python3:python3
bench_built server/target/sandgate-server.jar services/examples/sleepy/target/sandgate-example-sleepy.jar \
    services/examples/echo/target/sandgate-example-echo.jar
# TLS_PROVIDER=jdk by default: Conscrypt keeps a pipe pair per connection (3 descriptors a stream)
provider=${TLS_PROVIDER:-jdk}
per=1; [ "$provider" = jdk ] || per=3
fds=$((streams * per + 4096)); [ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge "$fds" ] || fds=$(ulimit -Hn)
ulimit -n "$fds"
[ "$(ulimit -n)" -gt $((streams * per + 1000)) ] || { echo "ulimit -n $(ulimit -n) is too low for $streams streams with $provider" >&2; exit 1; }

bench_workdir
cleanup() {
    [ -n "${client_pid:-}" ] && kill "$client_pid" 2>/dev/null || true
    bench_stop "${sg_pid:-}"
    exec 3>&- 2>/dev/null || true
    wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT

bench_site
cp "$here/services/examples/sleepy/target/sandgate-example-sleepy.jar" "$here/services/examples/echo/target/sandgate-example-echo.jar" \
    "$work/conf/services/"
cat > "$work/conf/sandgate.yaml" <<YAML
tls:
  provider: $provider
tiers:
  limits:
    anonymous: -1
limits:
  event_streams:
    anonymous: $((streams + 10))
YAML
bench_own
# (runuser's PAM session resets the soft limit: raise it again as the server's user)
"${run_as[@]}" bash -c 'ulimit -n "$1"; shift; exec "$@"' limit "$fds" \
    "$sg" run --conf "$work/conf" --data "$work/var" --https-port "$port" --http-port 0 > "$work/sandgate.out" 2>&1 &
sg_pid=$!
url="https://localhost:$port"
bench_ready "$port" "$work/sandgate.out"
jvm=$(pgrep -f "org.sandgate.server.cli.Main run --conf $work/conf" | head -1)
grep -q "Max open files *$fds" "/proc/$jvm/limits" || { echo "the server has fewer than $fds descriptors" >&2; exit 1; }

memory() {  # resident MiB and heap used MiB after a full GC
    "${run_as[@]}" jcmd "$jvm" GC.run >/dev/null
    local rss heap
    rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$jvm/status")
    heap=$("${run_as[@]}" jcmd "$jvm" GC.heap_info | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub("K","",v); printf "%.0f", v/1024; exit}}')
    echo "$rss $heap"
}

session=$(curl -s --cacert "$work/ca/ca.pem" -H 'Content-Type: application/json' -d '{"args": [3600, 1, 2]}' \
    "$url/api/v1/services/sleepy/add" | python3 -c 'import json,sys; print(json.load(sys.stdin)["session"])')
# warm-up: the same work on a few hundred streams and calls, then measure from a quiet server
ab -q -k -n 20000 -c 8 "$url/api/v1/whoami" >/dev/null
read -r rss0 heap0 < <(memory)
ab -q -k -n 4000 -c 8 "$url/api/v1/whoami" > "$work/whoami-before.txt"
echo '{"args": ["hello"]}' > "$work/echo.json"
ab -q -n 500 -c 4 -p "$work/echo.json" -T application/json "$url/api/v1/services/echo/echo" > "$work/echo-before.txt"

mkfifo "$work/hold"
python3 "$here/bench/event-streams.py" localhost "$port" "$work/ca/ca.pem" "$session" "$streams" \
    < "$work/hold" > "$work/client.out" 2> "$work/client.err" &
client_pid=$!
exec 3> "$work/hold"
until grep -q '^open' "$work/client.out"; do
    kill -0 "$client_pid" 2>/dev/null || { cat "$work/client.err" >&2; exit 1; }; sleep 1
done
opened=$(cat "$work/client.out")
threads=$(ls "/proc/$jvm/task" | wc -l)
ab -q -k -n 4000 -c 8 "$url/api/v1/whoami" > "$work/whoami.txt"
ab -q -n 500 -c 4 -p "$work/echo.json" -T application/json "$url/api/v1/services/echo/echo" > "$work/echo.txt"
read -r rss1 heap1 < <(memory)
sleep 16   # past one heartbeat: every stream must still be open
exec 3>&-
wait "$client_pid" || true; client_pid=
early=$(awk '/closed-early/ {print $2}' "$work/client.out")

pct() { awk -v p="$1" '$1 == p"%" {print $2}' "$2"; }
n=$(awk '{print $2}' <<< "$opened")
echo "| measure | figure |"
echo "|---|---|"
echo "| event streams opened on one session (tls.provider: $provider) | $opened (64 handshakes at a time); $early closed early; JVM threads while open: $threads |"
echo "| whoami, keep-alive, 8 clients, before the streams | $(awk '/Requests per second/ {print $4}' "$work/whoami-before.txt")/s, median $(pct 50 "$work/whoami-before.txt") ms, p99 $(pct 99 "$work/whoami-before.txt") ms |"
echo "| whoami, keep-alive, 8 clients, with $n streams open | $(awk '/Requests per second/ {print $4}' "$work/whoami.txt")/s, median $(pct 50 "$work/whoami.txt") ms, p99 $(pct 99 "$work/whoami.txt") ms, non-2xx $(awk '/Non-2xx/ {print $3}' "$work/whoami.txt" | grep . || echo 0) |"
echo "| echo call (new connection each), 4 clients, before the streams | median $(pct 50 "$work/echo-before.txt") ms, p99 $(pct 99 "$work/echo-before.txt") ms, failed $(awk '/Failed requests/ {print $3}' "$work/echo-before.txt") |"
echo "| echo call (new connection each), 4 clients, with $n streams open | median $(pct 50 "$work/echo.txt") ms, p99 $(pct 99 "$work/echo.txt") ms, failed $(awk '/Failed requests/ {print $3}' "$work/echo.txt") |"
echo "| server memory per stream (after full GC) | heap $(awk -v a="$heap0" -v b="$heap1" -v n="$n" 'BEGIN {printf "%.1f", (b-a)*1024/n}') KiB, resident $(awk -v a="$rss0" -v b="$rss1" -v n="$n" 'BEGIN {printf "%.1f", (b-a)*1024/n}') KiB (heap $heap0 → $heap1 MiB, RSS $rss0 → $rss1 MiB) |"
