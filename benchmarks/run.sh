#!/usr/bin/env bash
# Echo and proxy benchmarks: every server x every shape, server pinned to CPU 0, load generator to
# CPU 1, medians of N fresh-server runs, results written into docs/benchmarks.md (between the
# "results" markers; the hand-written findings around them are kept).
#
#   benchmarks/run.sh            full run (~11 min): 3 reps x 2 s per shape (medians of 3: this VM has bursts of lost CPU), idle 1 rep
#   benchmarks/run.sh --quick    development run (~4 min): 1 rep x 2 s
#   Each server process is started once per rep and warmed with --proc-warmup s of ping-pong
#   (.NET's tiered JIT needs seconds on one core to reach its final code; Node's JIT is warmed the
#   same way), then every shape runs --warmup s unmeasured and --duration s measured on it. The
#   idle shape gets a fresh process (its RSS baseline must be a fresh server). Reps interleave servers.
#   The proxy shape runs samples/TcpProxy (servers events, events-inline) and benchmarks/node/proxy.js
#   (node24, node20) on CPU 0, each forwarding to one Node 24 echo server that shares CPU 1 with the
#   load generator; it measures 64 B ping-pong and 16 KiB pipelined through the proxy, warmed the same
#   way (other servers have no proxy and skip it).
#   options: --reps N  --duration S  --warmup S  --proc-warmup S
#            --servers "kestrel kestrel-inline events events-inline pipe-inline zerocopy-inline multiloop-inline node24 node20"
#              ("-inline": DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1, and Kestrel's UnsafePreferInlineScheduling;
#               also available: pipe, zerocopy, multiloop)
#            --shapes "pingpong unix pipeline churn idle proxy"  --micro (also run benchmarks/Micro)
#            --baseline REV (also build benchmarks/Servers at git revision REV, in a temporary worktree
#              removed on exit, and add its events-inline server to the run as "events-inline@base";
#              any "<server>@base" in --servers, for the benchmarks/Servers modes, runs REV's build too)
#            --no-doc (print the table, leave docs/benchmarks.md alone)
#
# Loopback only. Every process this script starts is recorded by PID and killed on exit.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

orig_args="$*"
reps=3; idle_reps=1; duration=2; warmup=0.5; proc_warmup=4; micro=0; write_doc=1; mode_name=full
servers="kestrel kestrel-inline events events-inline pipe-inline zerocopy-inline multiloop-inline node24 node20"
shapes="pingpong unix pipeline churn idle proxy"
baseline=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) reps=1; idle_reps=1; duration=2; warmup=0.5; proc_warmup=3; mode_name=quick ;;
    --reps) reps="$2"; idle_reps="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --proc-warmup) proc_warmup="$2"; shift ;;
    --servers) servers="$2"; shift ;;
    --shapes) shapes="$2"; shift ;;
    --baseline) baseline="$2"; shift ;;
    --micro) micro=1 ;;
    --no-doc) write_doc=0 ;;
    *) echo "unknown option $1" >&2; exit 1 ;;
  esac
  shift
done

if [ "$(nproc)" -lt 2 ]; then
  echo "need at least 2 CPUs (server on CPU 0, load generator on CPU 1)" >&2
  exit 1
fi

out="$root/benchmarks/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
results="$out/results.tsv"
: > "$results"

# --- process bookkeeping: only PIDs we started, killed by PID -------------------------------
pids=()
base_dir=""   # --baseline: the temporary worktree's parent directory
cleanup() {
  for p in "${pids[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null || true
  done
  for p in "${pids[@]:-}"; do
    [ -n "$p" ] && wait "$p" 2>/dev/null || true
  done
  rm -f "$out"/*.sock
  if [ -n "$base_dir" ]; then
    git -C "$root" worktree remove --force "$base_dir/tree" 2>/dev/null || true
    rm -rf "$base_dir"
    git -C "$root" worktree prune 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 10,000 held connections need fds on both sides.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt 10100 ]; then
  echo "ulimit -n is $(ulimit -n); the idle shape needs > 10100" >&2
  exit 1
fi

# --- build ------------------------------------------------------------------------------------
echo "== build (Release)"
gcc -O2 -Wall -Wextra -Werror -o "$out/loadgen" benchmarks/LoadGen/loadgen.c
dotnet build benchmarks/Servers/Servers.csproj -c Release -nologo -v q -clp:NoSummary >"$out/build.log" 2>&1 \
  || { cat "$out/build.log"; exit 1; }
servers_bin="$root/benchmarks/Servers/bin/Release/net10.0/Servers"

# --baseline REV: the same echo servers built from REV, side by side with this tree's in one run.
base_bin=""; base_rev=""
if [ -n "$baseline" ] && [[ " $servers " != *"@base "* ]]; then
  servers="$servers events-inline@base"
fi
if [[ " $servers " == *"@base "* ]]; then
  [ -n "$baseline" ] || { echo "a server@base needs --baseline REV" >&2; exit 1; }
  base_rev="$(git rev-parse --short "$baseline^{commit}")" || { echo "--baseline: no such revision $baseline" >&2; exit 1; }
  base_dir="$(mktemp -d /tmp/netserver-base.XXXXXX)"
  echo "== build baseline $base_rev (temporary worktree $base_dir/tree)"
  git worktree add --detach "$base_dir/tree" "$base_rev" >"$out/base-build.log" 2>&1 \
    || { cat "$out/base-build.log"; exit 1; }
  [ -f "$base_dir/tree/benchmarks/Servers/Servers.csproj" ] || { echo "--baseline $base_rev has no benchmarks/Servers" >&2; exit 1; }
  dotnet build "$base_dir/tree/benchmarks/Servers/Servers.csproj" -c Release -nologo -v q -clp:NoSummary >>"$out/base-build.log" 2>&1 \
    || { cat "$out/base-build.log"; exit 1; }
  base_bin="$base_dir/tree/benchmarks/Servers/bin/Release/net10.0/Servers"
fi

has_proxy() { case "$1" in events|events-inline|node24|node20) return 0 ;; *) return 1 ;; esac; }
proxy_bin=""
if [[ " $shapes " == *" proxy "* ]]; then
  dotnet build samples/TcpProxy/TcpProxy.csproj -c Release -nologo -v q -clp:NoSummary >"$out/build-proxy.log" 2>&1 \
    || { cat "$out/build-proxy.log"; exit 1; }
  proxy_bin="$root/samples/TcpProxy/bin/Release/net10.0/TcpProxy"
fi

node24=""
if [[ " $servers " == *" node24 "* ]] || [ -n "$proxy_bin" ]; then
  node24="$(bash scripts/get-node24.sh)"   # also the proxy shape's upstream echo server
fi
node20="$(command -v node || true)"
if [ -z "$node20" ]; then
  servers="${servers/node20/}"
fi

server_cmd() {  # name unixPath
  local bin="$servers_bin" name="$1"
  if [[ "$name" == *@base ]]; then bin="$base_bin"; name="${name%@base}"; fi
  case "$name" in
    kestrel|events|pipe|zerocopy|multiloop) echo "$bin $name $2" ;;
    kestrel-inline|events-inline|pipe-inline|zerocopy-inline|multiloop-inline)
      echo "env DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 BENCH_INLINE=1 $bin ${name%-inline} $2" ;;
    node24) echo "$node24 benchmarks/node/echo.js $2" ;;
    node20) echo "$node20 benchmarks/node/echo.js $2" ;;
    *) echo "unknown server $1" >&2; exit 1 ;;
  esac
}

# The proxy under test for a server name, forwarding to 127.0.0.1:$1 (the upstream echo server).
# samples/TcpProxy is configured the way any .NET host is, from the environment; it reports its port
# in its log (event 1, EndpointListening).
proxy_cmd() {  # name upstreamPort
  local env=(env NetServer__Endpoints__proxy__Host=127.0.0.1 NetServer__Endpoints__proxy__Port=0 "Proxy__Upstream=127.0.0.1:$2")
  case "$1" in
    events) echo "${env[*]} $proxy_bin" ;;
    events-inline) echo "${env[*]} DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 $proxy_bin" ;;
    node24) echo "$node24 benchmarks/node/proxy.js $2" ;;
    node20) echo "$node20 benchmarks/node/proxy.js $2" ;;
    *) echo "no proxy for server $1" >&2; exit 1 ;;
  esac
}

ready_re='^READY tcp=\([0-9]*\).*'                                     # benchmarks/Servers, node/*.js
proxy_ready_re='.*Endpoint proxy listening on 127\.0\.0\.1:\([0-9]*\).*'   # samples/TcpProxy's log

spid=""; sport=""; slog=""
# Starts a command pinned to CPU $1, output in $slog; sets $spid, and $sport once the log has a line
# matching $2 (its \1 is the TCP port). Up to 15 s.
launch() {  # cpu readyRegex command...
  local cpu="$1" re="$2" i
  shift 2
  taskset -c "$cpu" "$@" >"$slog" 2>&1 &
  spid=$!
  pids+=("$spid")
  for i in $(seq 1 150); do
    sport="$(sed -n "s/$re/\1/p" "$slog" | head -1)"
    [ -n "$sport" ] && return 0
    if ! kill -0 "$spid" 2>/dev/null; then echo "$slog: process died:"; cat "$slog"; exit 1; fi
    sleep 0.1
  done
  echo "$slog: not ready after 15 s"; cat "$slog"; exit 1
}

start_server() {  # name tag
  local sock="$out/$1.sock"
  slog="$out/$1-$2.server.log"
  rm -f "$sock"
  # shellcheck disable=SC2046
  launch 0 "$ready_re" $(server_cmd "$1" "$sock")
}

start_proxy() {  # name tag
  slog="$out/$1-proxy-$2.server.log"
  local re="$ready_re"
  is_dotnet "$1" && re="$proxy_ready_re"
  # shellcheck disable=SC2046
  launch 0 "$re" $(proxy_cmd "$1" "$up_port")
}

stop_server() {
  kill "$spid" 2>/dev/null || true
  local i
  for i in $(seq 1 50); do
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  local keep=()
  for p in "${pids[@]}"; do [ "$p" != "$spid" ] && keep+=("$p"); done
  pids=("${keep[@]:-}")
}

# CPU seconds (user + system, every thread) a process has used: /proc/<pid>/stat fields 14 and 15.
clk_tck="$(getconf CLK_TCK)"
proc_cpu_s() {
  sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$clk_tck" '{ printf "%.2f", ($12 + $13) / hz }'
}

is_dotnet() { case "$1" in kestrel*|events*|pipe*|zerocopy*|multiloop*) return 0 ;; *) return 1 ;; esac; }

measure() {  # server shape rep: one loadgen run against the running server or proxy ($spid, $sport)
  local server="$1" shape="$2" rep="$3"
  local target=(--tcp "$sport") args=() sig=(--cpu-pid "$spid")
  # SIGHUP brackets the window for benchmarks/Servers' allocation counts; the proxies have no such
  # handler (SIGHUP would end samples/TcpProxy).
  if is_dotnet "$server" && [[ "$shape" != proxy-* ]]; then sig+=(--signal-pid "$spid"); fi
  case "$shape" in
    pingpong|proxy-pingpong) args=(--mode pingpong --conns 50 --size 64) ;;
    unix) target=(--unix "$out/$server.sock"); args=(--mode pingpong --conns 50 --size 64) ;;
    pipeline|proxy-pipeline) args=(--mode pipeline --conns 8 --size 16384 --depth 8) ;;
    churn) args=(--mode churn --workers 16 --size 64) ;;
    idle) args=(--mode idle --conns 10000 --size 64 --rss-pid "$spid"); sig=() ;;
  esac
  local line rc=0 before up0="" t0 up_cpu=""
  before="$(grep -c '^ALLOC' "$slog" || true)"
  if [[ "$shape" == proxy-* ]]; then up0="$(proc_cpu_s "$up_pid")"; t0="$(date +%s.%N)"; fi
  line="$(timeout 120 taskset -c 1 "$out/loadgen" "${target[@]}" "${args[@]}" "${sig[@]}" \
          --warmup "$warmup" --duration "$duration" 2>"$out/$server-$shape$rep.loadgen.err")" || rc=$?
  if [ -n "$up0" ]; then
    # The upstream echo server's CPU over the whole loadgen run (warm-up included: same load), to
    # show how much of CPU 1 the load generator and the upstream left unused.
    up_cpu="$(awk -v a="$up0" -v b="$(proc_cpu_s "$up_pid")" -v t0="$t0" -v t1="$(date +%s.%N)" \
              'BEGIN { printf "%.0f", 100 * (b - a) / (t1 - t0) }')"
    line="$line upstream_cpu_pct=$up_cpu"
  fi
  sleep 0.2  # let the last ALLOC line land
  local alloc=""
  if [[ " ${sig[*]} " == *" --signal-pid "* ]]; then
    alloc="$(grep '^ALLOC' "$slog" | tail -n +"$((before + 1))" | head -2 | awk 'NR==1{a=$2} NR==2{print $2-a}')"
  fi
  if [ "$rc" -ne 0 ] || [[ "$line" != *verified=1* ]]; then
    echo "FAILED: $server $shape rep $rep (exit $rc): $line" >&2
    cat "$out/$server-$shape$rep.loadgen.err" >&2
    echo -e "$server\t$shape\t$rep\tfailed=1 $line" >>"$results"
    return 0
  fi
  printf '  %-16s %-9s #%s %s%s\n' "$server" "$shape" "$rep" "$line" "${alloc:+ alloc_bytes=$alloc}"
  echo -e "$server\t$shape\t$rep\t$line${alloc:+ alloc_bytes=$alloc}" >>"$results"
}

# Process warm-up: unmeasured ping-pong, so every shape sees the code the server settles on.
warm_up() {  # label rep, against $sport
  timeout 120 taskset -c 1 "$out/loadgen" --tcp "$sport" --mode pingpong --conns 50 --size 64 \
    --warmup 0 --duration "$proc_warmup" >/dev/null 2>"$out/$1-warmup$2.loadgen.err" \
    || { echo "FAILED: $1 warm-up rep $2" >&2; cat "$out/$1-warmup$2.loadgen.err" >&2; }
}

run_server() {  # server rep: one warmed process serves every echo shape but idle, then one the proxy shapes
  local server="$1" rep="$2" shape echo_shapes=""
  for shape in $shapes; do
    case "$shape" in idle|proxy) ;; *) echo_shapes="$echo_shapes $shape" ;; esac
  done
  if [ -n "$echo_shapes" ]; then
    start_server "$server" "r$rep"
    warm_up "$server" "$rep"
    for shape in $echo_shapes; do
      measure "$server" "$shape" "$rep"
    done
    stop_server
  fi
  if [[ " $shapes " == *" proxy "* ]] && has_proxy "$server"; then
    start_proxy "$server" "r$rep"
    warm_up "$server-proxy" "$rep"
    measure "$server" proxy-pingpong "$rep"
    measure "$server" proxy-pipeline "$rep"
    stop_server
  fi
}

start_time=$(date +%s)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== run ($mode_name: reps=$reps, ${proc_warmup}s process warm-up, per shape ${warmup}s + ${duration}s measured) -> $out"
timed_shapes="${shapes//idle/}"
up_pid=""; up_port=""
if [[ " $shapes " == *" proxy "* ]]; then
  # One upstream for every proxy and rep: Node 24's echo, on CPU 1 beside the load generator, so the
  # proxy has CPU 0 to itself (what the throughput and CPU-per-message columns are about).
  slog="$out/upstream.server.log"
  launch 1 "$ready_re" "$node24" benchmarks/node/echo.js
  up_pid="$spid"; up_port="$sport"
  no_proxy=""
  for server in $servers; do has_proxy "$server" || no_proxy="$no_proxy $server"; done
  [ -z "$no_proxy" ] || echo "  proxy shape: no proxy for$no_proxy (skipped for them)"
fi
if [ -n "${timed_shapes// /}" ]; then
  for rep in $(seq 1 "$reps"); do
    for server in $servers; do
      run_server "$server" "$rep"
    done
  done
fi
if [[ " $shapes " == *" idle "* ]]; then
  for rep in $(seq 1 "$idle_reps"); do
    for server in $servers; do
      start_server "$server" "idle$rep"
      measure "$server" idle "$rep"
      stop_server
    done
  done
fi
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
elapsed=$(( $(date +%s) - start_time ))


# --- machine facts + report ------------------------------------------------------------------
{
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "kernel=$(uname -r)"
  echo "dotnet=$(dotnet --version) (runtime $(dotnet --list-runtimes | grep -m1 'Microsoft.NETCore.App 10' | cut -d' ' -f2))"
  echo "aspnetcore=$(dotnet --list-runtimes | grep -m1 'Microsoft.AspNetCore.App 10' | cut -d' ' -f2)"
  [ -n "$node24" ] && echo "node24=$("$node24" --version)"
  [ -n "$node20" ] && echo "node20=$("$node20" --version)"
  echo "mode=$mode_name"
  echo "reps=$reps"
  echo "idle_reps=$idle_reps"
  echo "duration=$duration"
  echo "warmup=$warmup"
  echo "proc_warmup=$proc_warmup"
  [ -n "$base_rev" ] && echo "baseline=$base_rev" && echo "baseline_ref=$baseline"
  [ -n "$up_pid" ] && echo "proxy_upstream=Node 24 benchmarks/node/echo.js on CPU 1 (with the load generator)"
  echo "loadavg_before=$load_before"
  echo "loadavg_after=$load_after"
  echo "elapsed_s=$elapsed"
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "command=benchmarks/run.sh $orig_args"
} >"$out/machine.txt"
doc_args=()
[ "$write_doc" = 1 ] && doc_args=(--doc docs/benchmarks.md)
python3 benchmarks/report.py "$results" "$out/machine.txt" "${doc_args[@]}"
if [ "$micro" = 1 ]; then
  echo "== micro-benchmarks (BenchmarkDotNet short job, not pinned)"
  dotnet run -c Release --project benchmarks/Micro -- --quick >"$out/micro.txt" 2>&1 || echo "micro-benchmarks FAILED, see $out/micro.txt"
  sed -n '/^| Method/,/^$/p' "$out/micro.txt"
fi
echo "== done in ${elapsed}s; raw results in $out"
