using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace NetServer.Hosting.Tests.Infrastructure;

/// <summary>How an upstream connection ended, as its side saw it: "eof" or "reset", and the bytes it received.</summary>
public sealed record UpstreamOutcome(string End, long BytesReceived);

/// <summary>
/// A plain System.Net.Sockets server standing behind the proxy under test, on 127.0.0.1 (or a Unix
/// socket): each accepted connection runs a behaviour chosen by its index, and the test awaits what
/// that connection saw. Independent of NetServer, so it observes the proxy from outside.
/// </summary>
public sealed class RawUpstream : IAsyncDisposable
{
    private readonly System.Net.Sockets.Socket _listener;
    private readonly Func<int, Func<System.Net.Sockets.Socket, CancellationToken, Task<UpstreamOutcome>>> _behaviour;
    private readonly Channel<Task<UpstreamOutcome>> _accepted = Channel.CreateUnbounded<Task<UpstreamOutcome>>();
    private readonly List<Task<UpstreamOutcome>> _all = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    private RawUpstream(System.Net.Sockets.Socket listener, string address, Func<int, Func<System.Net.Sockets.Socket, CancellationToken, Task<UpstreamOutcome>>> behaviour)
    {
        _listener = listener;
        Address = address;
        _behaviour = behaviour;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>What <c>Proxy:Upstream</c> should say: <c>127.0.0.1:port</c> or the socket path.</summary>
    public string Address { get; }

    /// <summary>Every accepted connection runs <paramref name="behaviour"/>(its index, from 0).</summary>
    public static RawUpstream StartTcp(Func<int, Func<System.Net.Sockets.Socket, CancellationToken, Task<UpstreamOutcome>>> behaviour)
    {
        var listener = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(512);
        return new RawUpstream(listener, $"127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}", behaviour);
    }

    public static RawUpstream StartUnix(string path, Func<int, Func<System.Net.Sockets.Socket, CancellationToken, Task<UpstreamOutcome>>> behaviour)
    {
        var listener = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(512);
        return new RawUpstream(listener, path, behaviour);
    }

    /// <summary>The next connection accepted, as the task of its outcome.</summary>
    public async Task<Task<UpstreamOutcome>> NextAsync() => await _accepted.Reader.ReadAsync().AsTask().WaitAsync(TestHost.Timeout);

    /// <summary>Waits until every connection accepted so far has ended; returns how each ended.</summary>
    public async Task<UpstreamOutcome[]> AllEndedAsync()
    {
        Task<UpstreamOutcome>[] all;
        lock (_all)
        {
            all = [.. _all];
        }
        return await Task.WhenAll(all).WaitAsync(TestHost.Timeout);
    }

    /// <summary>Echoes until EOF, then sends its own FIN.</summary>
    public static async Task<UpstreamOutcome> Echo(System.Net.Sockets.Socket s, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        return await Guard(async () =>
        {
            int n;
            while ((n = await s.ReceiveAsync(buffer, ct)) > 0)
            {
                total += n;
                await s.SendAsync(buffer.AsMemory(0, n), ct);
            }
            s.Shutdown(SocketShutdown.Send);
            return new UpstreamOutcome("eof", total);
        }, () => total);
    }

    /// <summary>Reads to EOF, and only then answers "got N" and sends FIN: the client's FIN must not close the way back.</summary>
    public static async Task<UpstreamOutcome> ReplyAfterEnd(System.Net.Sockets.Socket s, CancellationToken ct)
    {
        var total = await CountToEndAsync(s, ct);
        await s.SendAsync(Encoding.ASCII.GetBytes($"got {total}"), ct);
        s.Shutdown(SocketShutdown.Send);
        return new UpstreamOutcome("eof", total);
    }

    /// <summary>Sends "hello" and FIN first, then reads to EOF: the upstream's FIN must not close the way there.</summary>
    public static async Task<UpstreamOutcome> GreetThenEnd(System.Net.Sockets.Socket s, CancellationToken ct)
    {
        await s.SendAsync("hello"u8.ToArray(), ct);
        s.Shutdown(SocketShutdown.Send);
        return new UpstreamOutcome("eof", await CountToEndAsync(s, ct));
    }

    /// <summary>Reads <paramref name="bytes"/> bytes, then resets the connection (SO_LINGER 0).</summary>
    public static Func<System.Net.Sockets.Socket, CancellationToken, Task<UpstreamOutcome>> ResetAfter(int bytes) => async (s, ct) =>
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while (total < bytes && (n = await s.ReceiveAsync(buffer, ct)) > 0)
        {
            total += n;
        }
        s.LingerState = new LingerOption(true, 0);
        s.Close();
        return new UpstreamOutcome("sent-reset", total);
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _acceptLoop.WaitAsync(TestHost.Timeout);
        Task<UpstreamOutcome>[] all;
        lock (_all)
        {
            all = [.. _all];
        }
        // The connections end with the cancellation; their outcomes were the tests' business.
        await Task.WhenAll(all.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TestHost.Timeout);
        _stop.Dispose();
    }

    private static async Task<long> CountToEndAsync(System.Net.Sockets.Socket s, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = await s.ReceiveAsync(buffer, ct)) > 0)
        {
            total += n;
        }
        return total;
    }

    /// <summary>A connection reset (on receive or send) is an outcome, not a failure.</summary>
    private static async Task<UpstreamOutcome> Guard(Func<Task<UpstreamOutcome>> body, Func<long> received)
    {
        try
        {
            return await body();
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted)
        {
            return new UpstreamOutcome("reset", received());
        }
    }

    private async Task AcceptLoopAsync()
    {
        for (var index = 0; index < 10_000; index++) // far more than any test opens
        {
            System.Net.Sockets.Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var behaviour = _behaviour(index);
            var outcome = Task.Run(async () =>
            {
                using (connection)
                {
                    return await behaviour(connection, _stop.Token);
                }
            });
            lock (_all)
            {
                _all.Add(outcome);
            }
            _accepted.Writer.TryWrite(outcome);
        }
    }
}
