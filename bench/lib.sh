# What the bench scripts share; sourced (`. "$(dirname "$0")/lib.sh"`), not run. It sets
#   here    the checkout          sg      its bin/sandgate-server
#   run_as  runuser as nobody when run as root (the server never runs as root), else nothing
# and gives the steps every script repeats: tools, the build, a work directory, a site made by the
# development CA, the server's start, which fails the script (printing the server's output) when the
# server does not answer, so that no figure is ever printed for a server that never ran.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sg="$here/bin/sandgate-server"
run_as=(); [ "$(id -u)" = 0 ] && run_as=(runuser -u nobody --)

# bench_need COMMAND:PACKAGE ...: installs the packages of missing commands as root, else says which
bench_need() {
    local need=() pair
    for pair in "$@"; do command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}"); done
    [ ${#need[@]} -eq 0 ] && return
    if [ "$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else echo "install first: sudo apt-get install ${need[*]}" >&2; exit 1; fi
}

# bench_built JAR...: fails unless the build left these (paths below the checkout)
bench_built() {
    local jar
    for jar in "$@"; do
        [ -f "$here/$jar" ] || { echo "build first: mvn -q -DskipTests package ($jar is missing)" >&2; exit 1; }
    done
}

# bench_workdir: makes $work, a fresh directory others may enter (the server may run as nobody)
bench_workdir() {
    work=$(mktemp -d /tmp/sandgate-bench.XXXXXX); chmod 755 "$work"
}

# bench_site [ACCOUNT]: in $work a CA (ca/), a host credential and trust directory (conf/), an empty
# deploy directory (conf/services/) and, given an account, a user "Bench User" mapped to it (user/,
# with user/both.pem holding certificate and key for ApacheBench)
bench_site() {
    "$sg" ca init --dir "$work/ca" --subject "/O=Bench/CN=Bench CA" >/dev/null
    "$sg" ca host --ca "$work/ca" --cn localhost --out "$work/conf" >/dev/null
    if [ -n "${1:-}" ]; then
        "$sg" ca user --ca "$work/ca" --cn "Bench User" --out "$work/user" --gridmap "$work/conf/grid-mapfile" \
            --account "$1" >/dev/null
        cat "$work/user/usercert.pem" "$work/user/userkey.pem" > "$work/user/both.pem"
    fi
    "$sg" ca install --ca "$work/ca" --trust-dir "$work/conf/certificates" >/dev/null
    mkdir -p "$work/conf/services"
}

# bench_own: hands $work to the server's account when the server runs as nobody
bench_own() {
    [ "$(id -u)" = 0 ] && chown -R nobody "$work"
    return 0
}

# bench_ready PORT LOG [SECONDS]: waits until the server on PORT answers /health (30 s by default);
# when it does not, prints LOG and fails the script
bench_ready() {
    local tries=$(( ${3:-30} * 5 ))
    for _ in $(seq 1 "$tries"); do
        curl -sf --cacert "$work/ca/ca.pem" "https://localhost:$1/health" >/dev/null && return 0
        sleep 0.2
    done
    cat "$2" >&2
    echo "the server on port $1 did not start: no figures" >&2
    exit 1
}

# bench_sandbox ID: the sandbox directory of session ID in $work/var (sandboxes are named sb and the
# first 32 hex digits of HMAC-SHA256 of the id under the key in state/sandbox-names.key)
bench_sandbox() {
    local key
    key=$(cat "$work/var/state/sandbox-names.key")
    printf '%s/var/sandboxes/sb%s\n' "$work" "$(printf %s "$1" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" \
        | awk '{print substr($NF, 1, 32)}')"
}

# bench_stop PID: stops a server and what it started
bench_stop() {
    [ -n "${1:-}" ] || return 0
    pkill -P "$1" 2>/dev/null || true
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
