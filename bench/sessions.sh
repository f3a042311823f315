#!/usr/bin/env bash
# Sessions and downloads on the local back end:
#  1. job-launching calls (sleepy.add with 0 s): sessions created per second, median and 99th
#     percentile latency of the call (ApacheBench, 8 concurrent clients, client certificate);
#  2. GET /api/v1/sessions/{id} per second with 10,000 sessions in the store (keep-alive);
#  3. download throughput of a 1 GiB sandbox file over HTTPS, side by side with nginx serving the
#     same file over HTTPS (curl, 3 alternating rounds, ratio of the medians).
# Usage: bench/sessions.sh        (build first: mvn -q -DskipTests package; needs root or the tools)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
sg_port=${SG_PORT:-18443}
ngx_port=${NGX_PORT:-19443}
bench_need nginx:nginx-light ab:apache2-utils sqlite3:sqlite3
bench_built server/target/sandgate-server.jar services/examples/sleepy/target/sandgate-example-sleepy.jar
bench_workdir
cleanup() {
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    bench_stop "${sg_pid:-}"
    wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT

bench_site bench
cp "$here/services/examples/sleepy/target/sandgate-example-sleepy.jar" "$work/conf/services/"
# limits.sessions: the bench user queues more than a strong caller's 500 on purpose
printf 'batch:\n  local:\n    slots: 2\nlimits:\n  sessions:\n    strong: 100000\n' > "$work/conf/sandgate.yaml"
bench_own
start_sandgate() {
    "${run_as[@]}" "$sg" run --conf "$work/conf" --data "$work/var" --https-port "$sg_port" --http-port 0 >> "$work/sandgate.out" 2>&1 &
    sg_pid=$!
    bench_ready "$sg_port" "$work/sandgate.out"
}
start_sandgate
cert=(-E "$work/user/both.pem")
url="https://localhost:$sg_port"

# 1. job-launching calls
echo '{"args": [0, 3, 5]}' > "$work/body.json"
ab -q -n 200 -c 8 "${cert[@]}" -p "$work/body.json" -T application/json "$url/api/v1/services/sleepy/add" >/dev/null
ab -q -n 1000 -c 8 "${cert[@]}" -p "$work/body.json" -T application/json "$url/api/v1/services/sleepy/add" > "$work/create.txt"
create_rps=$(awk '/Requests per second/ {print $4}' "$work/create.txt")
p50=$(awk '$1 == "50%" {print $2}' "$work/create.txt"); p99=$(awk '$1 == "99%" {print $2}' "$work/create.txt")
non2xx=$(awk '/Non-2xx/ {print $3}' "$work/create.txt"); non2xx=${non2xx:-0}

# 2. status lookups with 10,000 sessions stored (rows added to the store while the server is stopped)
kill "$sg_pid"; wait "$sg_pid" 2>/dev/null || true
owner=$(sqlite3 "$work/var/state/sessions.db" "SELECT owner FROM sessions LIMIT 1")
id=$(sqlite3 "$work/var/state/sessions.db" "SELECT id FROM sessions LIMIT 1")
sqlite3 "$work/var/state/sessions.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 10000)
  INSERT INTO sessions SELECT printf('%032x', i), 'sleepy', 'add', '$owner', 'bench', 'strong', 1, 'DONE', 0, 'local',
  printf('%032x', i), NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z' FROM n"
stored=$(sqlite3 "$work/var/state/sessions.db" "SELECT COUNT(*) FROM sessions")
start_sandgate
ab -q -k -n 50000 -c 16 "${cert[@]}" "$url/api/v1/sessions/$id" >/dev/null
status_rps=$(ab -q -k -n 50000 -c 16 "${cert[@]}" "$url/api/v1/sessions/$id" | awk '/Requests per second/ {print $4}')

# 3. a 1 GiB file, Sandgate vs nginx
big="$(bench_sandbox "$id")/big.bin"
head -c 1073741824 /dev/urandom > "$big"
cat > "$work/nginx.conf" <<NGX
worker_processes auto; daemon off; pid $work/nginx.pid; error_log $work/nginx-error.log;
events { worker_connections 1024; }
http { access_log off; sendfile on;
  server { listen 127.0.0.1:$ngx_port ssl; ssl_certificate $work/conf/hostcert.pem;
           ssl_certificate_key $work/conf/hostkey.pem; ssl_protocols TLSv1.2 TLSv1.3;
           location / { root $work/var/sandboxes; } } }
NGX
nginx -c "$work/nginx.conf" -p "$work" &
sleep 1
speed() { curl -s --cacert "$work/ca/ca.pem" -o /dev/null -w '%{speed_download}' "$1"; }
speed "$url/sandbox/$id/big.bin" >/dev/null
sg_speeds=(); ngx_speeds=()
for _ in 1 2 3; do
    sg_speeds+=("$(speed "$url/sandbox/$id/big.bin")")
    ngx_speeds+=("$(speed "https://localhost:$ngx_port/$id/big.bin")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
sg_mb=$(awk -v b="$(median "${sg_speeds[@]}")" 'BEGIN {printf "%.0f", b/1048576}')
ngx_mb=$(awk -v b="$(median "${ngx_speeds[@]}")" 'BEGIN {printf "%.0f", b/1048576}')
ratio=$(awk -v a="$sg_mb" -v b="$ngx_mb" 'BEGIN {printf "%.2f", a/b}')

echo "| measure | figure |"
echo "|---|---|"
echo "| job-launching calls (sleepy.add 0 s), 1000 calls, 8 clients | $create_rps sessions/s, median $p50 ms, p99 $p99 ms, non-2xx $non2xx |"
echo "| GET /api/v1/sessions/{id}, $stored sessions stored, keep-alive, 16 clients | $status_rps lookups/s |"
echo "| 1 GiB sandbox file over HTTPS (curl, median of 3) | Sandgate $sg_mb MiB/s, nginx $ngx_mb MiB/s, ratio $ratio |"
