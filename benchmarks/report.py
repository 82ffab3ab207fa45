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
# The proxy shapes' rows: the proxy a server name stands for (benchmarks/run.sh, proxy_cmd).
PROXY_NAMES = {
    "events": "`samples/TcpProxy` (`client.Pipe(upstream)`, `upstream.Pipe(client)`) (defaults)",
    "events-inline": "`samples/TcpProxy` (`client.Pipe(upstream)`, `upstream.Pipe(client)`), inline completions",
    "node24": "Node 24 `c.pipe(u).pipe(c)` (`benchmarks/node/proxy.js`)",
    "node20": "Node 20 `c.pipe(u).pipe(c)` (`benchmarks/node/proxy.js`)",
}
ECHO_SHAPES = ("pingpong", "unix", "pipeline", "churn", "idle")
PIPELINE_SHAPES = ("pipeline", "proxy-pipeline")


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
            unit = d["mib_per_s"] * d["secs"] if shape in PIPELINE_SHAPES else ops
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


def ordered_servers(runs):
    """NAMES order; a baseline build ("<server>@base") right after the server it is compared with."""
    seen = {k[0] for k in runs}
    out = []
    for s in NAMES:
        out += [x for x in (s, f"{s}@base") if x in seen]
    return out


def name(s, facts):
    if s.endswith("@base"):
        return f"{NAMES[s[:-5]]}, **baseline** `{facts.get('baseline', '?')}`"
    return NAMES[s]


def build(runs, machine):
    facts = dict(l.split("=", 1) for l in Path(machine).read_text().splitlines() if "=" in l)
    all_servers = ordered_servers(runs)
    servers = [s for s in all_servers if any(k == (s, sh) for k in runs for sh in ECHO_SHAPES)]
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
    if "baseline" in facts:
        ref = facts.get("baseline_ref", "")
        ref = f" (`{ref}`)" if ref and not facts["baseline"].startswith(ref) else ""
        out.append(f"- Baseline: `benchmarks/Servers` built at `{facts['baseline']}`{ref} in a temporary worktree, "
                   f"in the same run (rows marked **baseline**)")
    if "proxy_upstream" in facts:
        out.append(f"- Proxy shapes: proxy on CPU 0, upstream {facts['proxy_upstream']}")
    out.append("")
    if servers:
        echo_tables(out, runs, servers, facts)
    proxy_tables(out, runs, [s for s in all_servers if any(k == (s, "proxy-pingpong") or k == (s, "proxy-pipeline") for k in runs)])
    baseline_tables(out, runs, [s for s in all_servers if s.endswith("@base")], facts)
    return "\n".join(out)


def echo_tables(out, runs, servers, facts):
    out.append("| server | ping-pong TCP 64 B × 50 (msg/s) | p50 / p99 µs | ping-pong Unix (msg/s) | p50 / p99 µs "
               "| 16 KiB × depth 8 × 8 conns (MiB/s) | p50 / p99 µs | churn × 16 (conn/s) | p50 / p99 µs "
               "| RSS per idle conn, KiB: 10k average / marginal 5k→10k | alloc B/msg ping-pong | alloc B per 16 KiB msg | alloc B/conn churn "
               "| load-gen CPU % (max) |")
    out.append("|---|" + "---:|" * 13)
    for s in servers:
        cpu = max([med(runs, s, sh, "loadgen_cpu_pct") or 0 for sh in ("pingpong", "unix", "pipeline", "churn")])
        cells = [
            name(s, facts),
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
        cells = [name(s, facts)]
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
            cells = [name(s, facts)]
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
            cells = [name(s, facts)]
            for shape, key, _ in metrics:
                a, b = med(runs, s, shape, key), med(runs, ref, shape, key)
                cells.append(f"{a / b:.2f}×" if a and b else "–")
            a, b = (med(runs, s, "idle", "rss_marginal_per_conn_kib"),
                    med(runs, ref, "idle", "rss_marginal_per_conn_kib"))
            cells.append(f"{a / b:.2f}×" if a and b else "–")
            out.append("| " + " | ".join(cells) + " |")
        out.append("")


def ratio(runs, a, b, shape, key):
    x, y = med(runs, a, shape, key), med(runs, b, shape, key)
    return f"{x / y:.2f}×" if x and y else "–"


def proxy_tables(out, runs, servers):
    if not servers:
        return
    out.append("Proxy: each proxy alone on CPU 0 forwards to the same upstream echo server; 64 B ping-pong × 50 "
               "connections and 16 KiB × depth 8 × 8 connections through it. Proxy CPU per message counts every "
               "thread of the proxy process; CPU 1 is the load generator plus the upstream (100 % = CPU 1 full, "
               "the proxy then is not the only bottleneck):\n")
    out.append("| proxy | ping-pong (msg/s) | p50 / p99 µs | proxy µs/msg | CPU 1 % | 16 KiB pipelined (MiB/s) "
               "| p50 / p99 µs | proxy µs/16 KiB msg | CPU 1 % |")
    out.append("|---|" + "---:|" * 8)
    for s in servers:
        cells = [PROXY_NAMES[s]]
        for shape, key in (("proxy-pingpong", "msgs_per_s"), ("proxy-pipeline", "mib_per_s")):
            us, pct = med(runs, s, shape, "cpu_us_per_op"), med(runs, s, shape, "server_cpu_pct")
            lg, up = med(runs, s, shape, "loadgen_cpu_pct"), med(runs, s, shape, "upstream_cpu_pct")
            cells += [fmt(med(runs, s, shape, key)), lat(runs, s, shape),
                      "–" if us is None else f"{us:,.2f} ({pct:.0f} %)",
                      "–" if lg is None or up is None else f"{lg + up:.0f}"]
        if failed(runs, s, "proxy-pingpong") or failed(runs, s, "proxy-pipeline"):
            cells[0] += " **(a run FAILED, see results.tsv)**"
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    if "node24" in servers:
        out.append("Proxy ratios to Node 24's proxy (> 1 is faster, or does more per core):\n")
        out.append("| proxy | ping-pong throughput | ping-pong per core | 16 KiB throughput | 16 KiB per core |")
        out.append("|---|" + "---:|" * 4)
        for s in servers:
            if s == "node24":
                continue
            out.append("| " + " | ".join([
                PROXY_NAMES[s],
                ratio(runs, s, "node24", "proxy-pingpong", "msgs_per_s"), ratio(runs, s, "node24", "proxy-pingpong", "per_core"),
                ratio(runs, s, "node24", "proxy-pipeline", "mib_per_s"), ratio(runs, s, "node24", "proxy-pipeline", "per_core"),
            ]) + " |")
        out.append("")


def baseline_tables(out, runs, bases, facts):
    shapes = [("pingpong", "msgs_per_s", "ping-pong TCP"), ("unix", "msgs_per_s", "ping-pong Unix"),
              ("pipeline", "mib_per_s", "16 KiB pipelined"), ("churn", "conns_per_s", "churn")]
    for base in bases:
        s = base[:-5]
        if not any(k[0] == s for k in runs):
            continue
        out.append(f"Before and after: {NAMES[s]} against the same server at baseline `{facts.get('baseline', '?')}`, "
                   "same run (> 1: this tree is faster, or does more per core; alloc: bytes now / bytes then):\n")
        out.append("| | " + " | ".join(label for _, _, label in shapes) + " |")
        out.append("|---|" + "---:|" * len(shapes))
        out.append("| throughput | " + " | ".join(ratio(runs, s, base, sh, key) for sh, key, _ in shapes) + " |")
        out.append("| per core | " + " | ".join(ratio(runs, s, base, sh, "per_core") for sh, _, _ in shapes) + " |")
        out.append("| p50 latency (< 1 is lower) | " + " | ".join(ratio(runs, s, base, sh, "p50_us") for sh, _, _ in shapes) + " |")
        out.append("| alloc per op | " + " | ".join(ratio(runs, s, base, sh, "alloc_per_op") for sh, _, _ in shapes) + " |")
        out.append("")


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
