#!/usr/bin/env bash
# Authenticated GET /api/v1/whoami over mutual TLS: Sandgate side by side with nginx
# (ssl_verify_client on, same certificates, serving a small static file), driven by the same
# load client (ApacheBench with a client certificate). Prints a Markdown table of requests per
# second and the ratio Sandgate/nginx, for keep-alive requests and for a new connection (full
# handshake) per request. Usage: bench/tls-vs-nginx.sh [ROUNDS]   (build first: mvn -q -DskipTests package)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
rounds=${1:-3}
keepalive_n=${KEEPALIVE_N:-40000}
handshake_n=${HANDSHAKE_N:-3000}
concurrency=${CONCURRENCY:-16}
sg_port=${SG_PORT:-18443}
ngx_port=${NGX_PORT:-19443}

bench_need nginx:nginx-light ab:apache2-utils
bench_built server/target/sandgate-server.jar
bench_workdir
cleanup() {
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    [ -n "${sg_pid:-}" ] && kill "$sg_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# One site for both servers, made by the development CA.
bench_site bench
bench_own

# Sandgate
"${run_as[@]}" "$sg" run --conf "$work/conf" --data "$work/var" --https-port "$sg_port" --http-port 0 \
    > "$work/sandgate.out" 2>&1 &
sg_pid=$!

# nginx with the same certificates, answering the same-sized JSON from a file
mkdir -p "$work/www/api/v1"
curl_cmd=(curl -s --cacert "$work/ca/ca.pem" --cert "$work/user/usercert.pem" --key "$work/user/userkey.pem")
cat > "$work/nginx.conf" <<NGX
worker_processes auto;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    default_type application/json;
    server {
        listen 127.0.0.1:$ngx_port ssl;
        ssl_certificate $work/conf/hostcert.pem;
        ssl_certificate_key $work/conf/hostkey.pem;
        ssl_client_certificate $work/ca/ca.pem;
        ssl_verify_client on;
        ssl_protocols TLSv1.2 TLSv1.3;
        keepalive_requests 1000000;
        location / { root $work/www; }
    }
}
NGX
nginx -c "$work/nginx.conf" -p "$work" &

for _ in $(seq 1 150); do
    "${curl_cmd[@]}" "https://localhost:$sg_port/api/v1/whoami" -o "$work/www/api/v1/whoami" 2>/dev/null && break
    sleep 0.2
done
[ -s "$work/www/api/v1/whoami" ] || { cat "$work/sandgate.out" >&2; echo "sandgate did not start" >&2; exit 1; }
for _ in $(seq 1 50); do
    "${curl_cmd[@]}" "https://localhost:$ngx_port/api/v1/whoami" >/dev/null 2>&1 && break
    sleep 0.2
done

rps() { # url n keepalive -> requests per second
    local flags=(-q -n "$2" -c "$concurrency" -E "$work/user/both.pem")
    [ "$3" = yes ] && flags+=(-k)
    ab "${flags[@]}" "$1" 2>/dev/null | awk '/Requests per second/ {print $4}'
}
sg_url="https://localhost:$sg_port/api/v1/whoami"
ngx_url="https://localhost:$ngx_port/api/v1/whoami"

# warm the JVM up (JIT) before measuring
rps "$sg_url" 150000 yes >/dev/null
rps "$sg_url" 2000 no >/dev/null

echo "| round | keep-alive sandgate | keep-alive nginx | ratio | handshake sandgate | handshake nginx | ratio |"
echo "|---|---|---|---|---|---|---|"
ka_ratios=(); hs_ratios=()
for r in $(seq 1 "$rounds"); do
    ka_sg=$(rps "$sg_url" "$keepalive_n" yes); ka_ngx=$(rps "$ngx_url" "$keepalive_n" yes)
    hs_sg=$(rps "$sg_url" "$handshake_n" no); hs_ngx=$(rps "$ngx_url" "$handshake_n" no)
    ka=$(awk -v a="$ka_sg" -v b="$ka_ngx" 'BEGIN {printf "%.2f", a/b}')
    hs=$(awk -v a="$hs_sg" -v b="$hs_ngx" 'BEGIN {printf "%.2f", a/b}')
    ka_ratios+=("$ka"); hs_ratios+=("$hs")
    echo "| $r | $ka_sg | $ka_ngx | $ka | $hs_sg | $hs_ngx | $hs |"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo
echo "median ratio Sandgate/nginx: keep-alive $(median "${ka_ratios[@]}"), full handshake $(median "${hs_ratios[@]}")"
echo "(requests per second; $concurrency concurrent clients; ab $(ab -V | awk 'NR==1 {print $5}'), $(nginx -v 2>&1 | sed 's/.*: //'), $(java -version 2>&1 | head -1))"
