#!/usr/bin/env bash
# Installs and starts real single-node batch systems on this host for Sandgate's integration
# tests and benchmarks: Slurm (munge, slurmctld, slurmd), Slurm's PBS-compatible qsub/qstat/qdel,
# slurmrestd (for the submit benchmark) and Grid Engine with its DRMAA 1.0 C library.
#
#   scripts/batch-systems-localhost.sh [slurm] [pbs] [rest] [sge]   (no argument: all four)
#   scripts/batch-systems-localhost.sh stop
#
# Debian 12 as root, with or without systemd (daemons are started by hand). Safe to run again:
# what is installed is kept and what runs is reused or restarted. The environment clients need
# (SGE_ROOT, DRMAA_LIBRARY_PATH, GLIBC_TUNABLES, PBS_BIN, SLURMRESTD_URL) is written to
# /etc/sandgate-batch-test.env; the tests read it from there.
#
# What it changes on the host (see also the README): Debian packages (munge, slurmctld, slurmd,
# slurm-client, slurmrestd, gridengine-*, a few Perl modules, curl); /etc/slurm/slurm.conf (a
# configuration it did not write is kept as /etc/slurm/slurm.conf.before-sandgate); Slurm's state in
# /var/spool/slurmctld (a state left by a cluster of another name is moved aside, to
# /var/spool/slurmctld.cluster-NAME, since slurmctld refuses to start on it); /var/spool/slurmd,
# /var/log/slurm, /run/slurm; /opt/slurm-torque; the account slurmrest; Grid Engine's cell under
# /var/lib/gridengine (host aliases, min_uid 0 so that root may submit, a one-second scheduler,
# the queue all.q); /etc/sandgate-batch-test.env. While it installs packages, /usr/sbin/policy-rc.d
# keeps their scripts from starting services; it is removed at the end unless it was there before.
#
# Every failure says what failed, at which line, and prints the last lines of the logs that
# explain it (Slurm's and munge's, or Grid Engine's, and the system journal where there is one).
set -Eeuo pipefail
export DEBIAN_FRONTEND=noninteractive

# The daemons started below live on after this script: they must not inherit a descriptor of its
# caller (run under flock, they would keep the caller's lock held for as long as they run).
for fd in $(ls /proc/$$/fd); do
    case $fd in
        0|1|2|255) ;;
        *) eval "exec $fd>&-" 2>/dev/null || true ;;
    esac
done

ENV_FILE=/etc/sandgate-batch-test.env
HOST_SHORT=$(hostname -s)
HOST_FULL=$(hostname)
export SGE_ROOT=/var/lib/gridengine SGE_CELL=default
DRMAA_LIB=/usr/lib/gridengine-drmaa/lib/libdrmaa.so.1.0
PBS_DIR=/opt/slurm-torque
REST_PORT=6820

CLUSTER=sandgate-test
MARK="written by scripts/batch-systems-localhost.sh"
PART=setup
MADE_POLICY=

say() { printf '[batch-systems %s] %s\n' "$(date +%T)" "$*"; }

# the log lines that explain a failure of the part being set up
explain() {
    local f logs
    case "$PART" in
        sge) logs=(/var/spool/gridengine/qmaster/messages /var/spool/gridengine/execd/*/messages) ;;
        *) logs=(/var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log /var/log/munge/munged.log) ;;
    esac
    for f in "${logs[@]}"; do
        [ -s "$f" ] || continue
        printf -- '--- the last lines of %s:\n' "$f"
        tail -n 15 "$f"
    done
    if [ -d /run/systemd/system ] && command -v journalctl >/dev/null; then
        printf -- '--- the last lines of the system journal:\n'
        journalctl -n 20 --no-pager 2>/dev/null || true
    fi
}

fail() {
    trap - ERR
    printf '[batch-systems] FAILED (%s): %s\n' "$PART" "$*" >&2
    explain >&2
    exit 1
}

# any command that fails ends the script (set -e), and says so here instead of silently
on_error() {
    local code=$1 line=$2 command=$BASH_COMMAND
    # a failure inside $(...) is reported once, by the command that used it
    [ "$BASH_SUBSHELL" -eq 0 ] || exit "$code"
    trap - ERR
    printf '[batch-systems] FAILED (%s): exit status %s at line %s: %s\n' "$PART" "$code" "$line" "$command" >&2
    explain >&2
    exit "$code"
}
trap 'on_error $? $LINENO' ERR

# a policy-rc.d of our own goes when the script ends, however it ends
cleanup() {
    if [ -n "$MADE_POLICY" ] && grep -qF "$MARK" /usr/sbin/policy-rc.d 2>/dev/null; then
        rm -f /usr/sbin/policy-rc.d
    fi
}
trap cleanup EXIT

# retry LIMIT CMD...: run CMD every 0.2 s until it succeeds or LIMIT seconds pass
retry() {
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ]; then return 1; fi
        sleep 0.2
    done
}

stop_by_pidfile() {
    local file=$1 pid
    [ -s "$file" ] || return 0
    pid=$(cat "$file")
    if kill "$pid" 2>/dev/null; then
        retry 20 bash -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
}

record_env() {
    touch "$ENV_FILE"
    sed -i "/^export $1=/d" "$ENV_FILE"
    printf 'export %s=%s\n' "$1" "$2" >> "$ENV_FILE"
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

APT_READY=
install_packages() {
    local missing=() p
    for p in "$@"; do installed "$p" || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ -z "$APT_READY" ]; then
        apt-get -o DPkg::Lock::Timeout=600 -qq update
        APT_READY=1
    fi
    # there is no init system to start daemons for us, and package scripts must not try
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\n# %s, for the time it installs packages\nexit 101\n' "$MARK" > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        MADE_POLICY=1
    fi
    say "installing ${missing[*]}"
    apt-get -o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends install "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------------------------------- Slurm
slurm_conf() {
    cat <<EOF
# Single-node Slurm for Sandgate's tests, ${MARK}
ClusterName=${CLUSTER}
SlurmctldHost=${HOST_SHORT}(127.0.0.1)
SlurmUser=slurm
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
CredType=cred/munge
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=/var/spool/slurmctld/jwt_hs256.key
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
# without this, jobs submitted back to back wait for a 3 s scheduling delay
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
# finished jobs stay visible to squeue for this long; Sandgate reads exit codes from the sandbox
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=60
NodeName=${HOST_SHORT} NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=${HOST_SHORT} Default=YES MaxTime=INFINITE State=UP
EOF
}

# the node takes jobs (idle, or busy with some already)
node_ready() { case "$(sinfo -h -o %t 2>/dev/null)" in idle|mix|alloc) return 0 ;; esac; return 1; }

slurm_up() {
    install_packages munge slurmctld slurmd slurm-client slurm-wlm-jwt-plugin
    mkdir -p /run/munge && chown munge:munge /run/munge
    if ! munge -n </dev/null >/dev/null 2>&1; then
        runuser -u munge -- /usr/sbin/munged --force
        retry 10 munge -n </dev/null || fail "munged does not answer"
    fi
    # slurmctld refuses to start on the state of a cluster of another name (CLUSTER NAME MISMATCH)
    local named=/var/spool/slurmctld/clustername old
    if [ -s "$named" ] && [ "$(cat "$named")" != "$CLUSTER" ]; then
        old=$(tr -d '\n' < "$named" | tr -c 'A-Za-z0-9_.-' _)
        stop_by_pidfile /run/slurm/slurmd.pid
        stop_by_pidfile /run/slurm/slurmctld.pid
        rm -rf "/var/spool/slurmctld.cluster-$old"
        mv /var/spool/slurmctld "/var/spool/slurmctld.cluster-$old"
        say "Slurm's state belonged to the cluster '$old': moved to /var/spool/slurmctld.cluster-$old"
    fi
    mkdir -p /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/slurm
    chown slurm:slurm /var/spool/slurmctld /var/log/slurm /run/slurm
    local key=/var/spool/slurmctld/jwt_hs256.key
    [ -s "$key" ] || head -c 32 /dev/urandom > "$key"
    chown slurm:slurm "$key" && chmod 600 "$key"

    local conf; conf=$(slurm_conf)
    if [ "$conf" != "$(cat /etc/slurm/slurm.conf 2>/dev/null)" ] || ! node_ready; then
        if [ -s /etc/slurm/slurm.conf ] && ! grep -qF "$MARK" /etc/slurm/slurm.conf \
                && [ ! -e /etc/slurm/slurm.conf.before-sandgate ]; then
            cp -p /etc/slurm/slurm.conf /etc/slurm/slurm.conf.before-sandgate
            say "the host's own Slurm configuration is kept as /etc/slurm/slurm.conf.before-sandgate"
        fi
        printf '%s\n' "$conf" > /etc/slurm/slurm.conf
        # both daemons together: a lone slurmctld restart leaves the node "unknown" for a minute
        stop_by_pidfile /run/slurm/slurmd.pid
        stop_by_pidfile /run/slurm/slurmctld.pid
        /usr/sbin/slurmctld
        /usr/sbin/slurmd
        retry 60 node_ready || fail "the Slurm node does not take jobs"
    fi
    local out; out=$(mktemp -d)
    chmod 755 "$out"
    local job; job=$(sbatch --parsable --chdir="$out" -o "$out/out" --wrap 'echo slurm-works') || fail "sbatch"
    retry 60 grep -q slurm-works "$out/out" || fail "Slurm job $job produced no output"
    rm -rf "$out"
    say "Slurm works (job $job)"
}

# ------------------------------------------------------------------- PBS commands over Slurm
pbs_up() {
    install_packages libslurm-perl libslurmdb-perl libswitch-perl
    if [ ! -x "$PBS_DIR/usr/bin/qsub" ]; then
        # slurm-wlm-torque conflicts with gridengine-client, so it is unpacked, not installed
        local deb; deb=$(mktemp -d)
        chown _apt "$deb" 2>/dev/null || true
        ( cd "$deb" && apt-get -qq download slurm-wlm-torque )
        mkdir -p "$PBS_DIR" && dpkg-deb -x "$deb"/slurm-wlm-torque_*.deb "$PBS_DIR"
        rm -rf "$deb"
    fi
    # its qsub runs sbatch from its own directory
    for b in sbatch salloc srun; do ln -sf "/usr/bin/$b" "$PBS_DIR/usr/bin/$b"; done
    record_env PBS_BIN "$PBS_DIR/usr/bin"
    local dir; dir=$(mktemp -d)
    chmod 755 "$dir"
    printf '#!/bin/sh\necho pbs-works\n' > "$dir/job.sh"
    local job; job=$(cd "$dir" && "$PBS_DIR/usr/bin/qsub" -o "$dir/out" -e "$dir/err" "$dir/job.sh") || fail "qsub"
    retry 60 grep -q pbs-works "$dir/out" || fail "PBS job $job produced no output"
    rm -rf "$dir"
    say "PBS commands work (job $job)"
}

# ---------------------------------------------------------------------------------- slurmrestd
rest_up() {
    install_packages slurmrestd curl
    id slurmrest >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin slurmrest
    local token; token=$(scontrol token username=root lifespan=600 | cut -d= -f2)
    if ! curl -sf -H "X-SLURM-USER-NAME: root" -H "X-SLURM-USER-TOKEN: $token" \
            "http://127.0.0.1:$REST_PORT/slurm/v0.0.38/ping" >/dev/null; then
        stop_by_pidfile /run/slurm/slurmrestd.pid
        # only the plugin we use: loading all of them is fatal without slurmdbd
        SLURM_JWT=daemon setsid /usr/sbin/slurmrestd -a rest_auth/jwt -s openapi/v0.0.38 -u slurmrest \
            "127.0.0.1:$REST_PORT" > /var/log/slurm/slurmrestd.log 2>&1 < /dev/null &
        echo $! > /run/slurm/slurmrestd.pid
        retry 20 curl -sf -H "X-SLURM-USER-NAME: root" -H "X-SLURM-USER-TOKEN: $token" \
            "http://127.0.0.1:$REST_PORT/slurm/v0.0.38/ping" || { cat /var/log/slurm/slurmrestd.log; fail "slurmrestd"; }
    fi
    record_env SLURMRESTD_URL "http://127.0.0.1:$REST_PORT"
    say "slurmrestd answers on port $REST_PORT"
}

# ------------------------------------------------------------------ Grid Engine and DRMAA
sge_up() {
    local pkg
    for pkg in gridengine-common gridengine-master gridengine-exec gridengine-client; do
        printf '%s shared/gridengineconfig boolean true\n%s shared/gridenginecell string default\n%s shared/gridenginemaster string %s\n' \
            "$pkg" "$pkg" "$pkg" "$HOST_FULL"
    done | debconf-set-selections
    install_packages gridengine-master gridengine-exec gridengine-client gridengine-drmaa1.0
    local common=$SGE_ROOT/$SGE_CELL/common me
    # 127.0.0.1 resolves back to "localhost", which Grid Engine must know as this host's name
    if [ "$HOST_SHORT" != "$HOST_FULL" ]; then
        echo "$HOST_FULL $HOST_SHORT localhost" > "$common/host_aliases"
    else
        echo "$HOST_FULL localhost" > "$common/host_aliases"
    fi
    chown sgeadmin:sgeadmin "$common/host_aliases"
    me=$(/usr/lib/gridengine/gethostname -name)
    echo "$me" > "$common/act_qmaster" && chown sgeadmin:sgeadmin "$common/act_qmaster"
    qconf -sh >/dev/null 2>&1 || /usr/sbin/sge_qmaster
    retry 60 qconf -sh || fail "sge_qmaster does not answer"

    local tmp; tmp=$(mktemp -d)
    qconf -sh | grep -qx "$me" || qconf -ah "$me" >/dev/null 2>&1
    qconf -ss 2>/dev/null | grep -qx "$me" || qconf -as "$me" >/dev/null 2>&1
    # root may submit (tests run as root); the file must be named after the configuration
    qconf -sconf global | sed -e 's/^min_uid .*/min_uid 0/' -e 's/^min_gid .*/min_gid 0/' > "$tmp/global"
    qconf -Mconf "$tmp/global" >/dev/null 2>&1
    qconf -ssconf | sed -e 's/^schedule_interval .*/schedule_interval 0:0:1/' \
        -e 's/^flush_submit_sec .*/flush_submit_sec 1/' -e 's/^flush_finish_sec .*/flush_finish_sec 1/' > "$tmp/sched"
    qconf -Msconf "$tmp/sched" >/dev/null 2>&1
    if ! qconf -se "$me" >/dev/null 2>&1; then
        printf 'hostname %s\nload_scaling NONE\ncomplex_values NONE\nuser_lists NONE\nxuser_lists NONE\nprojects NONE\nxprojects NONE\nusage_scaling NONE\nreport_variables NONE\n' "$me" > "$tmp/host"
        qconf -Ae "$tmp/host" >/dev/null 2>&1
    fi
    if ! qconf -shgrp @allhosts >/dev/null 2>&1; then
        printf 'group_name @allhosts\nhostlist %s\n' "$me" > "$tmp/group"
        qconf -Ahgrp "$tmp/group" >/dev/null 2>&1
    fi
    if ! qconf -sq all.q >/dev/null 2>&1; then
        # the template names parallel environments that do not exist, and a load threshold
        # would put the queue in alarm on a busy machine
        qconf -sq | sed -e 's/^qname .*/qname all.q/' -e 's/^hostlist .*/hostlist @allhosts/' \
            -e "s/^slots .*/slots $(nproc)/" -e 's/^pe_list .*/pe_list NONE/' \
            -e 's/^load_thresholds .*/load_thresholds NONE/' -e 's#^shell .*#shell /bin/bash#' > "$tmp/queue"
        qconf -Aq "$tmp/queue" >/dev/null 2>&1
    fi
    rm -rf "$tmp"
    # the execution daemon reads min_uid at start, so it starts after the change above
    pgrep -x sge_execd >/dev/null || /usr/sbin/sge_execd
    qmod -cq all.q >/dev/null 2>&1 || true
    retry 60 bash -c "qstat -f -q all.q | awk '\$1 == \"all.q@$me\" && NF == 5 { ok = 1 } END { exit !ok }'" \
        || { qstat -f; fail "the Grid Engine queue is not ready"; }
    record_env SGE_ROOT "$SGE_ROOT"
    record_env SGE_CELL "$SGE_CELL"
    record_env DRMAA_LIBRARY_PATH "$DRMAA_LIB"
    # libdrmaa needs libjemalloc, whose thread-local block does not fit glibc's default reserve
    # for dlopen(); a much larger value breaks the JVM's process reaper, 4096 is enough
    record_env GLIBC_TUNABLES "glibc.rtld.optional_static_tls=4096"
    local out; out=$(mktemp)
    ( cd /tmp && qsub -sync y -b y -j y -o "$out" /bin/echo grid-engine-works >/dev/null ) || fail "Grid Engine qsub"
    grep -q grid-engine-works "$out" || fail "Grid Engine job produced no output"
    rm -f "$out"
    say "Grid Engine works; DRMAA library $DRMAA_LIB"
}

stop_all() {
    if command -v qconf >/dev/null; then
        qconf -ke all >/dev/null 2>&1 || true
        qconf -km >/dev/null 2>&1 || true
    fi
    stop_by_pidfile /run/slurm/slurmrestd.pid
    stop_by_pidfile /run/slurm/slurmd.pid
    stop_by_pidfile /run/slurm/slurmctld.pid
    say "stopped"
}

[ "$(id -u)" = 0 ] || fail "run as root: it installs packages and starts daemons"
command -v apt-get >/dev/null || fail "needs Debian's apt-get"
started=$SECONDS
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(slurm pbs rest sge)
for part in "${parts[@]}"; do
    PART=$part
    case "$part" in
        slurm) slurm_up ;;
        pbs) slurm_up; pbs_up ;;
        rest) slurm_up; rest_up ;;
        sge) sge_up ;;
        stop) stop_all ;;
        *) fail "unknown part '$part' (slurm, pbs, rest, sge, stop)" ;;
    esac
done
say "ready in $((SECONDS - started)) s; client environment in $ENV_FILE"
