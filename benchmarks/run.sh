#!/usr/bin/env bash
# Echo benchmarks: every server x every shape, server pinned to CPU 0, load generator to CPU 1,
# medians of N fresh-server runs, results written into docs/benchmarks.md (between the
# "results" markers; the hand-written findings around them are kept).
#
#   benchmarks/run.sh            full run (~9 min): 3 reps x 2 s per shape (medians of 3: this VM has bursts of lost CPU), idle 1 rep
#   benchmarks/run.sh --quick    development run (~3 min): 1 rep x 2 s
#   Each server process is started once per rep and warmed with --proc-warmup s of ping-pong
#   (.NET's tiered JIT needs seconds on one core to reach its final code; Node's JIT is warmed the
#   same way), then every shape runs --warmup s unmeasured and --duration s measured on it. The
#   idle shape gets a fresh process (its RSS baseline must be a fresh server). Reps interleave servers.
#   options: --reps N  --duration S  --warmup S  --proc-warmup S
#            --servers "kestrel kestrel-inline events events-inline pipe-inline zerocopy-inline multiloop-inline node24 node20"
#              ("-inline": DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1, and Kestrel's UnsafePreferInlineScheduling;
#               also available: pipe, zerocopy, multiloop)
#            --shapes "pingpong unix pipeline churn idle"  --micro (also run benchmarks/Micro)
#            --no-doc (print the table, leave docs/benchmarks.md alone)
#
# Loopback only. Every process this script starts is recorded by PID and killed on exit.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

orig_args="$*"
reps=3; idle_reps=1; duration=2; warmup=0.5; proc_warmup=4; micro=0; write_doc=1; mode_name=full
servers="kestrel kestrel-inline events events-inline pipe-inline zerocopy-inline multiloop-inline node24 node20"
shapes="pingpong unix pipeline churn idle"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) reps=1; idle_reps=1; duration=2; warmup=0.5; proc_warmup=3; mode_name=quick ;;
    --reps) reps="$2"; idle_reps="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --proc-warmup) proc_warmup="$2"; shift ;;
    --servers) servers="$2"; shift ;;
    --shapes) shapes="$2"; shift ;;
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
cleanup() {
  for p in "${pids[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null || true
  done
  for p in "${pids[@]:-}"; do
    [ -n "$p" ] && wait "$p" 2>/dev/null || true
  done
  rm -f "$out"/*.sock
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
node24=""
if [[ " $servers " == *" node24 "* ]]; then
  node24="$(bash scripts/get-node24.sh)"
fi
node20="$(command -v node || true)"
if [ -z "$node20" ]; then
  servers="${servers/node20/}"
fi

server_cmd() {  # name unixPath
  case "$1" in
    kestrel|events|pipe|zerocopy|multiloop) echo "$servers_bin $1 $2" ;;
    *-inline) echo "env DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 BENCH_INLINE=1 $servers_bin ${1%-inline} $2" ;;
    node24) echo "$node24 benchmarks/node/echo.js $2" ;;
    node20) echo "$node20 benchmarks/node/echo.js $2" ;;
    *) echo "unknown server $1" >&2; exit 1 ;;
  esac
}

spid=""; sport=""; slog=""
start_server() {  # name tag
  local sock="$out/$1.sock"
  slog="$out/$1-$2.server.log"
  rm -f "$sock"
  # shellcheck disable=SC2046
  taskset -c 0 $(server_cmd "$1" "$sock") >"$slog" 2>&1 &
  spid=$!
  pids+=("$spid")
  local i
  for i in $(seq 1 150); do
    if grep -qs '^READY' "$slog"; then break; fi
    if ! kill -0 "$spid" 2>/dev/null; then echo "server $1 died:"; cat "$slog"; exit 1; fi
    sleep 0.1
  done
  grep -q '^READY' "$slog" || { echo "server $1 not ready after 15 s"; exit 1; }
  sport="$(sed -n 's/^READY tcp=\([0-9]*\).*/\1/p' "$slog")"
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

is_dotnet() { case "$1" in kestrel*|events*|pipe*|zerocopy*|multiloop*) return 0 ;; *) return 1 ;; esac; }

measure() {  # server shape rep: one loadgen run against the running server ($spid, $sport)
  local server="$1" shape="$2" rep="$3"
  local target=(--tcp "$sport") args=() sig=(--cpu-pid "$spid")
  if is_dotnet "$server"; then sig+=(--signal-pid "$spid"); fi
  case "$shape" in
    pingpong) args=(--mode pingpong --conns 50 --size 64) ;;
    unix) target=(--unix "$out/$server.sock"); args=(--mode pingpong --conns 50 --size 64) ;;
    pipeline) args=(--mode pipeline --conns 8 --size 16384 --depth 8) ;;
    churn) args=(--mode churn --workers 16 --size 64) ;;
    idle) args=(--mode idle --conns 10000 --size 64 --rss-pid "$spid"); sig=() ;;
  esac
  local line rc=0 before
  before="$(grep -c '^ALLOC' "$slog" || true)"
  line="$(timeout 120 taskset -c 1 "$out/loadgen" "${target[@]}" "${args[@]}" "${sig[@]}" \
          --warmup "$warmup" --duration "$duration" 2>"$out/$server-$shape$rep.loadgen.err")" || rc=$?
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

run_server() {  # server rep: one warmed process serves every shape but idle
  local server="$1" rep="$2" shape
  start_server "$server" "r$rep"
  # Process warm-up: unmeasured ping-pong, so every shape sees the code the server settles on.
  timeout 120 taskset -c 1 "$out/loadgen" --tcp "$sport" --mode pingpong --conns 50 --size 64 \
    --warmup 0 --duration "$proc_warmup" >/dev/null 2>"$out/$server-warmup$rep.loadgen.err" \
    || { echo "FAILED: $server warm-up rep $rep" >&2; cat "$out/$server-warmup$rep.loadgen.err" >&2; }
  for shape in $shapes; do
    [ "$shape" = idle ] && continue
    measure "$server" "$shape" "$rep"
  done
  stop_server
}

start_time=$(date +%s)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== run ($mode_name: reps=$reps, ${proc_warmup}s process warm-up, per shape ${warmup}s + ${duration}s measured) -> $out"
timed_shapes="${shapes//idle/}"
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
