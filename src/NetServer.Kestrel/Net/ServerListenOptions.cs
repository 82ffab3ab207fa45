using NetServer.Internal;

namespace NetServer;

/// <summary>The options-object form of <see cref="Server.Listen(ServerListenOptions, Action?)"/>: Node's <c>server.listen(options)</c>.</summary>
public sealed class ServerListenOptions
{
    /// <summary>TCP port; 0 picks a free port. Takes precedence over <see cref="Path"/>, as in Node.</summary>
    public int? Port { get; set; }

    /// <summary>Host name or IP to bind; null or empty means <c>::</c> (dual-stack) or <c>0.0.0.0</c> without IPv6.</summary>
    public string? Host { get; set; }

    /// <summary>Unix domain socket path (IPC). A leading <c>'\0'</c> selects the abstract namespace.</summary>
    public string? Path { get; set; }

    /// <summary>Listen backlog; null or 0 means 511, as in Node.</summary>
    public int? Backlog { get; set; }

    /// <summary>Node's cluster-only flag; accepted and ignored outside a cluster, as in Node.</summary>
    public bool Exclusive { get; set; }

    /// <summary>Makes the Unix socket file readable by all users (mode bits as Node 24 sets them).</summary>
    public bool ReadableAll { get; set; }

    /// <summary>Makes the Unix socket file writable by all users (mode bits as Node 24 sets them).</summary>
    public bool WritableAll { get; set; }

    /// <summary>With an IPv6 host, refuse IPv4 (sets <c>IPV6_V6ONLY</c>).</summary>
    public bool Ipv6Only { get; set; }

    /// <summary>Sets <c>SO_REUSEPORT</c> so several listeners can share the port and the kernel spreads connections.</summary>
    public bool ReusePort { get; set; }

    /// <summary>Listen on an inherited socket file descriptor instead of binding.</summary>
    public int? Fd { get; set; }

    /// <summary>Cancelling closes the server, like Node's <c>AbortSignal</c>; an already-cancelled token closes without <c>listening</c>.</summary>
    public CancellationToken Signal { get; set; }

    /// <summary>Prints the members that were set, in <c>util.inspect</c> style: <c>{ Port: -1, Host: 'x' }</c>.</summary>
    public override string ToString()
    {
        var members = new List<(string, object?)>();
        if (Port is not null)
        {
            members.Add((nameof(Port), Port));
        }
        if (Host is not null)
        {
            members.Add((nameof(Host), Host));
        }
        if (Path is not null)
        {
            members.Add((nameof(Path), Path));
        }
        if (Backlog is not null)
        {
            members.Add((nameof(Backlog), Backlog));
        }
        AddIfSet(members, nameof(Exclusive), Exclusive);
        AddIfSet(members, nameof(ReadableAll), ReadableAll);
        AddIfSet(members, nameof(WritableAll), WritableAll);
        AddIfSet(members, nameof(Ipv6Only), Ipv6Only);
        AddIfSet(members, nameof(ReusePort), ReusePort);
        if (Fd is not null)
        {
            members.Add((nameof(Fd), Fd));
        }
        return Inspect.Object(members);
    }

    internal ServerListenOptions Clone() => (ServerListenOptions)MemberwiseClone();

    private static void AddIfSet(List<(string, object?)> members, string name, bool value)
    {
        if (value)
        {
            members.Add((name, true));
        }
    }
}
