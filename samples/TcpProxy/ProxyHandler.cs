using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using NetServer;
using NetServer.Hosting;

namespace TcpProxy;

/// <summary>Forwards one accepted connection to the upstream: Node's <c>c.pipe(u).pipe(c)</c>.</summary>
internal sealed partial class ProxyHandler(UpstreamAddress target, ILogger<ProxyHandler> logger) : INetServerHandler
{
    public void OnConnection(Socket client)
    {
        // Made inside the client's callback, the upstream socket lives on the client's loop, so both
        // sockets' callbacks run one at a time, as in Node. The client is not paused while the upstream connects: writes made before "connect" are
        // queued and count toward the high-water mark, so Pipe pauses the client once 64 KiB wait, and
        // the "drain" after connecting resumes it. Bytes the client sent first leave at connect time.
        var upstream = Net.Connect(target.ConnectOptions());
        client.Pipe(upstream);
        upstream.Pipe(client);

        // Half-close needs nothing more: Pipe ends the other side on "end", and AllowHalfOpen on both
        // sides (the endpoint's configuration, the connect options) keeps the other direction open.
        // A failure on one side resets the other: a FIN would tell it a cut-off stream was complete.
        // A side that closes lets the other flush what it holds and close: nothing is left hanging.
        var clientIsTcp = client.RemoteFamily is not null;
        client.On<Exception>("error", _ => Abort(upstream, target.IsTcp));
        upstream.On<Exception>("error", error =>
        {
            LogUpstreamError(logger, target, client.RemoteAddress, client.RemotePort, error.Message);
            Abort(client, clientIsTcp);
        });
        client.On<bool>("close", _ => Finish(upstream));
        upstream.On<bool>("close", _ => Finish(client));
    }

    private static void Abort(Socket socket, bool tcp)
    {
        if (socket.Destroyed)
        {
            return;
        }
        if (tcp)
        {
            socket.ResetAndDestroy();
        }
        else
        {
            socket.Destroy(); // Unix sockets have no reset
        }
    }

    private static void Finish(Socket socket)
    {
        if (!socket.Destroyed)
        {
            socket.DestroySoon();
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Upstream {Upstream} failed for client {Address}:{Port}: {Message}")]
    private static partial void LogUpstreamError(ILogger logger, UpstreamAddress upstream, string? address, int? port, string message);
}

/// <summary><c>Proxy:Upstream</c>: <c>host:port</c>, or a Unix socket path (any value containing '/').</summary>
internal sealed record UpstreamAddress(string? Host, int Port, string? Path)
{
    public bool IsTcp => Path is null;

    /// <summary>Parses <c>Proxy:Upstream</c>, throwing with a message that says what is wrong.</summary>
    public static UpstreamAddress Parse(string? value)
    {
        const string Expected = "Proxy:Upstream must be host:port (port 1-65535, e.g. 127.0.0.1:7000) or a Unix socket path containing '/'";
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"{Expected}; it is not set.");
        }
        if (value.Contains('/', StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetByteCount(value) <= 107
                ? new UpstreamAddress(null, 0, value)
                : throw new InvalidOperationException($"{Expected}; the path is longer than 107 bytes ('{value}').");
        }
        var colon = value.LastIndexOf(':');
        var host = colon > 0 ? value[..colon].Trim('[', ']') : "";
        return host.Length > 0 && int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? new UpstreamAddress(host, port, null)
            : throw new InvalidOperationException($"{Expected} (was '{value}').");
    }

    public SocketConnectOptions ConnectOptions() =>
        new() { Host = Host, Port = IsTcp ? Port : null, Path = Path, AllowHalfOpen = true, NoDelay = IsTcp };

    public override string ToString() => Path ?? (Host!.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}");
}
