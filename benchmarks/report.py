#!/usr/bin/env python3
"""Turns benchmarks/run.sh's results.tsv into Markdown tables (medians, ratios) and optionally
writes them into docs/benchmarks.md between the results markers, keeping the text around them."""
import statistics
import sys
from pathlib import Path

BEGIN = "<!-- results:begin (written by benchmarks/run.sh; edit outside these markers) -->"
END = "<!-- results:end -->"
NAMES = {
    "kestrel": "raw Kestrel `ConnectionHandler` (defaults)",
    "kestrel-inline": "raw Kestrel, inline scheduling + inline completions",
    "events": "NetServer `on('data', d => write(d))` (defaults)",
    "events-inline": "NetServer `on('data', d => write(d))`, inline completions",
    "pipe": "NetServer `socket.Pipe(socket)` (defaults)",
    "pipe-inline": "NetServer `socket.Pipe(socket)`, inline completions",
    "zerocopy": "NetServer zero-copy `OnRead` -> `Write(sequence)` (defaults)",
    "zerocopy-inline": "NetServer zero-copy `OnRead` -> `Write(sequence)`, inline completions",
    "multiloop": "NetServer events, multi-loop (defaults)",
    "multiloop-inline": "NetServer events, multi-loop, inline completions",
    "node24": "Node 24 `s.pipe(s)`",
    "node20": "Node 20 `s.pipe(s)`",
}


def parse(path):
    runs = {}
    for line in Path(path).read_text().splitlines():
        if not line.strip():
            continue
        server, shape, rep, kv = line.split("\t", 3)
        d = {}
        for tok in kv.split():
            if "=" in tok:
                k, v = tok.split("=", 1)
                try:
                    d[k] = float(v)
                except ValueError:
                    d[k] = v
        ops = d.get("msgs") if shape != "churn" else d.get("conns")
        if "alloc_bytes" in d and ops:
            d["alloc_per_op"] = d["alloc_bytes"] / ops
        if isinstance(d.get("server_cpu_pct"), float) and ops and d["server_cpu_pct"] > 0:
            # Server CPU (all threads) per operation, and operations per second of one core:
            # throughput per core independent of how busy the load left the core.
            cpu_s = d["server_cpu_pct"] / 100 * d["secs"]
            d["cpu_us_per_op"] = cpu_s * 1e6 / ops
            unit = d["mib_per_s"] * d["secs"] if shape == "pipeline" else ops
            d["per_core"] = unit / cpu_s
        runs.setdefault((server, shape), []).append(d)
    return runs


def med(runs, server, shape, key):
    vals = [r[key] for r in runs.get((server, shape), []) if isinstance(r.get(key), float) and "failed" not in r]
    return statistics.median(vals) if vals else None


def failed(runs, server, shape):
    return any("failed" in r for r in runs.get((server, shape), []))


def fmt(v, digits=0):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


def lat(runs, s, shape):
    a, b = med(runs, s, shape, "p50_us"), med(runs, s, shape, "p99_us")
    return "–" if a is None else f"{fmt(a)} / {fmt(b)}"


def rss(runs, s):
    a, b = med(runs, s, "idle", "rss_per_conn_kib"), med(runs, s, "idle", "rss_marginal_per_conn_kib")
    return "–" if a is None else f"{fmt(a, 2)} / {fmt(b, 2)}"


def build(runs, machine):
    servers = [s for s in NAMES if any(k[0] == s for k in runs)]
    facts = dict(l.split("=", 1) for l in Path(machine).read_text().splitlines() if "=" in l)
    out = []
    out.append(f"### Run: {facts.get('mode')} mode, {facts.get('date')}\n")
    out.append(f"- Machine: {facts.get('nproc')} CPUs, {facts.get('cpu')}, Linux {facts.get('kernel')}")
    out.append(f"- .NET SDK {facts.get('dotnet')}, ASP.NET Core {facts.get('aspnetcore')}; "
               f"Node 24 {facts.get('node24', 'n/a')}; Node 20 {facts.get('node20', 'n/a')}")
    out.append(f"- Command: `{facts.get('command').strip()}`; reps={facts.get('reps')} (idle: {facts.get('idle_reps')}), "
               f"one server process per server and rep warmed {facts.get('proc_warmup')} s, then per shape "
               f"{facts.get('warmup')} s warm-up + {facts.get('duration')} s measured; idle on a fresh process; medians")
    out.append(f"- Load average before/after: {facts.get('loadavg_before')} / {facts.get('loadavg_after')}; "
               f"wall time {facts.get('elapsed_s')} s")
    out.append("")
    out.append("| server | ping-pong TCP 64 B × 50 (msg/s) | p50 / p99 µs | ping-pong Unix (msg/s) | p50 / p99 µs "
               "| 16 KiB × depth 8 × 8 conns (MiB/s) | p50 / p99 µs | churn × 16 (conn/s) | p50 / p99 µs "
               "| RSS per idle conn, KiB: 10k average / marginal 5k→10k | alloc B/msg ping-pong | alloc B per 16 KiB msg | alloc B/conn churn "
               "| load-gen CPU % (max) |")
    out.append("|---|" + "---:|" * 13)
    for s in servers:
        cpu = max([med(runs, s, sh, "loadgen_cpu_pct") or 0 for sh in ("pingpong", "unix", "pipeline", "churn")])
        cells = [
            NAMES[s],
            fmt(med(runs, s, "pingpong", "msgs_per_s")), lat(runs, s, "pingpong"),
            fmt(med(runs, s, "unix", "msgs_per_s")), lat(runs, s, "unix"),
            fmt(med(runs, s, "pipeline", "mib_per_s")), lat(runs, s, "pipeline"),
            fmt(med(runs, s, "churn", "conns_per_s")), lat(runs, s, "churn"),
            rss(runs, s),
            fmt(med(runs, s, "pingpong", "alloc_per_op")),
            fmt(med(runs, s, "pipeline", "alloc_per_op")),
            fmt(med(runs, s, "churn", "alloc_per_op")),
            fmt(cpu),
        ]
        if any(failed(runs, s, sh) for sh in ("pingpong", "unix", "pipeline", "churn", "idle")):
            cells[0] += " **(a run FAILED, see results.tsv)**"
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    shapes = [("pingpong", "ping-pong TCP", "msg"), ("unix", "ping-pong Unix", "msg"),
              ("pipeline", "16 KiB pipelined", "16 KiB msg"), ("churn", "churn", "conn")]
    out.append("Per core: server CPU (every thread, `/proc/<pid>/stat`) per operation in µs, with the "
               "server's CPU use in brackets (100 % = the one core it is pinned to):\n")
    out.append("| server | " + " | ".join(f"{label} (µs/{unit})" for _, label, unit in shapes) + " |")
    out.append("|---|" + "---:|" * len(shapes))
    for s in servers:
        cells = [NAMES[s]]
        for shape, _, _ in shapes:
            us, pct = med(runs, s, shape, "cpu_us_per_op"), med(runs, s, shape, "server_cpu_pct")
            cells.append("–" if us is None else f"{us:,.2f} ({pct:.0f} %)")
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    if "node24" in servers:
        out.append("Per-core ratios to Node 24 (operations per second of server CPU; > 1 does more per core):\n")
        out.append("| server | " + " | ".join(label for _, label, _ in shapes) + " |")
        out.append("|---|" + "---:|" * len(shapes))
        for s in servers:
            if s == "node24":
                continue
            cells = [NAMES[s]]
            for shape, _, _ in shapes:
                a, b = med(runs, s, shape, "per_core"), med(runs, "node24", shape, "per_core")
                cells.append(f"{a / b:.2f}×" if a and b else "–")
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    metrics = [("pingpong", "msgs_per_s", "ping-pong TCP"), ("unix", "msgs_per_s", "ping-pong Unix"),
               ("pipeline", "mib_per_s", "16 KiB pipelined"), ("churn", "conns_per_s", "churn")]
    for ref, label in (("node24", "Node 24"), ("kestrel", "raw Kestrel (defaults)"),
                       ("kestrel-inline", "raw Kestrel (inline)")):
        if ref not in servers:
            continue
        out.append(f"Throughput ratios to {label} (> 1 is faster; RSS: < 1 is leaner):\n")
        out.append("| server | " + " | ".join(m[2] for m in metrics) + " | RSS per idle conn (marginal) |")
        out.append("|---|" + "---:|" * (len(metrics) + 1))
        for s in servers:
            if s == ref:
                continue
            cells = [NAMES[s]]
            for shape, key, _ in metrics:
                a, b = med(runs, s, shape, key), med(runs, ref, shape, key)
                cells.append(f"{a / b:.2f}×" if a and b else "–")
            a, b = (med(runs, s, "idle", "rss_marginal_per_conn_kib"),
                    med(runs, ref, "idle", "rss_marginal_per_conn_kib"))
            cells.append(f"{a / b:.2f}×" if a and b else "–")
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def main():
    results, machine = sys.argv[1], sys.argv[2]
    table = build(parse(results), machine)
    print(table)
    if len(sys.argv) > 4 and sys.argv[3] == "--doc":
        doc = Path(sys.argv[4])
        text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
        if BEGIN not in text or END not in text:
            text += f"\n{BEGIN}\n{END}\n"
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        doc.write_text(f"{head}{BEGIN}\n\n{table}\n{END}{tail}")
        print(f"wrote {doc}")


if __name__ == "__main__":
    main()
