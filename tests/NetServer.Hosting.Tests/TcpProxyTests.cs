using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetServer.Hosting.Tests.Infrastructure;
using NetServer.Kestrel.Tests.Stress;
using TcpProxy;

namespace NetServer.Hosting.Tests;

/// <summary>
/// samples/TcpProxy, in process: its handler and its appsettings.json, wired as its Program.cs does,
/// between real loopback clients and a plain System.Net.Sockets upstream. Every byte is checked in
/// place and in order; half-close must travel both ways; a reset on either side must reach the other
/// as a reset (a FIN would pass a cut-off stream off as complete, which is what Node's usual
/// <c>c.on('error', () => u.destroy())</c> does); and every socket must close, on both legs.
/// </summary>
public sealed class TcpProxyTests
{
    [Fact]
    public async Task Fifty_clients_each_push_2_MiB_through_the_proxy_and_get_every_byte_back_in_order()
    {
        const int Clients = 50;
        const int Length = 2 * 1024 * 1024;
        await using var upstream = RawUpstream.StartTcp(_ => RawUpstream.Echo);
        await using var proxy = await ProxyUnderTest.StartAsync(upstream.Address);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await Task.WhenAll(Enumerable.Range(1, Clients).Select(seed => PushAndVerifyAsync(proxy.Port, seed, Length, deadline.Token)));

        var ended = await upstream.AllEndedAsync();
        Assert.Equal(Clients, ended.Length);
        Assert.All(ended, o => Assert.Equal(new UpstreamOutcome("eof", Length), o));
        await proxy.AssertAllClosedAsync(Clients);
    }

    [Fact]
    public async Task Pipelined_16_KiB_messages_eight_in_flight_keep_flowing_through_both_pipes()
    {
        // The benchmark's pipelined shape: each client keeps 8 messages of 16 KiB in flight (128 KiB,
        // twice the high-water mark), so both pipes pause and resume on "drain" all the time. A
        // resume lost between a full Write and its Pause stalls the connection for good.
        const int Clients = 8;
        const int Size = 16 * 1024;
        const int Depth = 8;
        const int Messages = 1_000;
        await using var upstream = RawUpstream.StartTcp(_ => RawUpstream.Echo);
        await using var proxy = await ProxyUnderTest.StartAsync(upstream.Address);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Task.WhenAll(Enumerable.Range(100, Clients).Select(seed => PipelineAsync(proxy.Port, seed, Size, Depth, Messages, deadline.Token)));

        Assert.All(await upstream.AllEndedAsync(), o => Assert.Equal(new UpstreamOutcome("eof", (long)Size * Messages), o));
        await proxy.AssertAllClosedAsync(Clients);
    }

    [Fact]
    public async Task Client_half_close_keeps_the_way_back_open_until_the_upstream_ends()
    {
        await using var upstream = RawUpstream.StartTcp(_ => RawUpstream.ReplyAfterEnd);
        await using var proxy = await ProxyUnderTest.StartAsync(upstream.Address);
        using var client = await proxy.ConnectAsync();

        await client.SendAsync(new byte[100_000]).WaitAsync(TestHost.Timeout);
        client.Shutdown(SocketShutdown.Send);

        // The upstream answers only after it has seen the client's FIN, so the answer crosses a
        // connection whose client side has already ended.
        Assert.Equal("got 100000", await ReadToEndAsync(client));
        Assert.Equal(new UpstreamOutcome("eof", 100_000), await await upstream.NextAsync());
        await proxy.AssertAllClosedAsync(1);
    }

    [Fact]
    public async Task Upstream_half_close_keeps_the_way_there_open_until_the_client_ends()
    {
        await using var upstream = RawUpstream.StartTcp(_ => RawUpstream.GreetThenEnd);
        await using var proxy = await ProxyUnderTest.StartAsync(upstream.Address);
        using var client = await proxy.ConnectAsync();

        // "hello" and the upstream's FIN arrive first; the client still sends afterwards.
        Assert.Equal("hello", await ReadToEndAsync(client));
        await client.SendAsync(new byte[100_000]).WaitAsync(TestHost.Timeout);
        client.Shutdown(SocketShutdown.Send);

        Assert.Equal(new UpstreamOutcome("eof", 100_000), await await upstream.NextAsync());
        await proxy.AssertAllClosedAsync(1);
    }

    [Fact]
    public async Task Client_reset_mid_stream_resets_the_upstream_connection()
    {
        await using var upstream = RawUpstream.StartTcp(_ => RawUpstream.Echo);
        await using var proxy = await ProxyUnderTest.StartAsync(upstream.Address);
        using var client = await proxy.ConnectAsync();
        var upstreamSide = await EchoOnceAsync(client, upstream, 1000);

        client.LingerState = new LingerOption(true, 0);
        client.Close(); // RST

        Assert.Equal(new UpstreamOutcome("reset", 1000), await upstreamSide.WaitAsync(TestHost.Timeout));
        await proxy.AssertAllClosedAsync(1);
    }

    [Fact]
    public async Task Upstream_reset_mid_stream_resets_the_client_and_the_proxy_serves_the_next_one()
    {
        await using var upstream = RawUpstream.StartTcp(i => i == 0 ? RawUpstream.ResetAfter(1000) : RawUpstream.Echo);
        await using var proxy = await ProxyUnderTest.StartAsync(upstream.Address);

        using (var first = await proxy.ConnectAsync())
        {
            await first.SendAsync(new byte[1000]).WaitAsync(TestHost.Timeout);
            Assert.Equal(new UpstreamOutcome("sent-reset", 1000), await await upstream.NextAsync());
            var ex = await Assert.ThrowsAsync<SocketException>(() => ReadToEndAsync(first));
            Assert.Equal(SocketError.ConnectionReset, ex.SocketErrorCode);
        }

        using (var next = await proxy.ConnectAsync())
        {
            var upstreamSide = await EchoOnceAsync(next, upstream, 1000);
            next.Shutdown(SocketShutdown.Send);
            Assert.Equal("", await ReadToEndAsync(next));
            Assert.Equal(new UpstreamOutcome("eof", 1000), await upstreamSide.WaitAsync(TestHost.Timeout));
        }
        await proxy.AssertAllClosedAsync(2);
        Assert.Contains(proxy.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("ECONNRESET", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upstream_that_refuses_resets_each_client_logs_why_and_leaks_nothing()
    {
        // Bound but not listening: connecting to it is refused, and no other test can take the port.
        using var closed = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var proxy = await ProxyUnderTest.StartAsync($"127.0.0.1:{((IPEndPoint)closed.LocalEndPoint!).Port}");

        for (var i = 0; i < 3; i++)
        {
            // Nothing is sent: the refusal comes back within a loop turn, and a send could meet the reset
            // first. The reset can even arrive before the client's own connect has reported success.
            var ex = await Assert.ThrowsAsync<SocketException>(async () =>
            {
                using var client = await proxy.ConnectAsync();
                await ReadToEndAsync(client);
            });
            Assert.Equal(SocketError.ConnectionReset, ex.SocketErrorCode);
        }
        await proxy.AssertAllClosedAsync(3);
        Assert.Equal(3, proxy.Logs.Entries.Count(e => e.Category == typeof(ProxyHandler).FullName && e.Message.Contains("ECONNREFUSED", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Client_that_pushes_while_the_upstream_is_still_connecting_is_held_at_the_high_water_mark_then_delivered_in_order()
    {
        const int Length = 1024 * 1024;
        // A listener whose accept queue is full drops SYNs, so the proxy's connect hangs (the kernel
        // retries the SYN after 1 s) until the filler connection is accepted.
        using var listener = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var upstreamPort = ((IPEndPoint)listener.LocalEndPoint!).Port;
        using var filler = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(IPAddress.Loopback, upstreamPort).WaitAsync(TestHost.Timeout);
        await using var proxy = await ProxyUnderTest.StartAsync($"127.0.0.1:{upstreamPort}");

        // Runs after the handler's own "data" listener (Pipe's), so it sees Pipe's decision for each chunk.
        var pausedAfter = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        proxy.Server.On<Socket>("connection", socket =>
        {
            long read = 0;
            socket.On<byte[]>("data", chunk =>
            {
                read += chunk.Length;
                if (socket.IsPaused())
                {
                    pausedAfter.TrySetResult(read);
                }
            });
        });

        using var client = await proxy.ConnectAsync();
        var payload = Pattern.Create(seed: 11, offset: 0, Length);
        var send = client.SendAsync(payload);

        var held = await pausedAfter.Task.WaitAsync(TestHost.Timeout);
        Assert.InRange(held, 64 * 1024, (64 * 1024) + (64 * 1024)); // the high-water mark, plus at most the chunk that crossed it

        using (await listener.AcceptAsync().WaitAsync(TestHost.Timeout))
        {
            // The filler goes; the proxy's next SYN gets through.
        }
        using var upstreamSide = await listener.AcceptAsync().WaitAsync(TestHost.Timeout);
        await send.WaitAsync(TestHost.Timeout);
        client.Shutdown(SocketShutdown.Send);
        var received = new byte[Length + 1]; // one byte more: a surplus would show
        var got = 0;
        using var cts = new CancellationTokenSource(TestHost.Timeout);
        while (await upstreamSide.ReceiveAsync(received.AsMemory(got), cts.Token) is var n and > 0)
        {
            got += n;
        }
        Assert.Equal(Length, got);
        Pattern.Verify(received.AsSpan(0, got), seed: 11, offset: 0);

        upstreamSide.Shutdown(SocketShutdown.Send);
        Assert.Equal("", await ReadToEndAsync(client));
        await proxy.AssertAllClosedAsync(1);
    }

    [Fact]
    public async Task Unix_socket_upstream_is_a_path_in_Proxy_Upstream()
    {
        using var dir = new SocketDir();
        await using var upstream = RawUpstream.StartUnix(dir.File("up.sock"), _ => RawUpstream.Echo);
        await using var proxy = await ProxyUnderTest.StartAsync(upstream.Address);

        using var deadline = new CancellationTokenSource(TestHost.Timeout);
        await PushAndVerifyAsync(proxy.Port, seed: 7, 256 * 1024, deadline.Token);
        Assert.Equal(new UpstreamOutcome("eof", 256 * 1024), Assert.Single(await upstream.AllEndedAsync()));
        await proxy.AssertAllClosedAsync(1);
    }

    [Theory]
    [InlineData(null, "it is not set")]
    [InlineData("", "it is not set")]
    [InlineData("localhost", "(was 'localhost')")]
    [InlineData(":7000", "(was ':7000')")]
    [InlineData("127.0.0.1:0", "(was '127.0.0.1:0')")]
    [InlineData("127.0.0.1:70000", "(was '127.0.0.1:70000')")]
    [InlineData("127.0.0.1:+80", "(was '127.0.0.1:+80')")]
    public void Proxy_Upstream_that_is_not_host_port_or_a_path_fails_start_up_saying_what_is_expected(string? value, string detail)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => UpstreamAddress.Parse(value));
        Assert.StartsWith("Proxy:Upstream must be host:port (port 1-65535, e.g. 127.0.0.1:7000) or a Unix socket path containing '/'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(detail, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:7000", "127.0.0.1", 7000, null)]
    [InlineData("[::1]:7000", "::1", 7000, null)]
    [InlineData("db.internal:5432", "db.internal", 5432, null)]
    [InlineData("/tmp/echo.sock", null, 0, "/tmp/echo.sock")]
    public void Proxy_Upstream_is_host_port_or_a_path(string value, string? host, int port, string? path) =>
        Assert.Equal(new UpstreamAddress(host, port, path), UpstreamAddress.Parse(value));

    /// <summary>
    /// One client: sends <paramref name="length"/> bytes of pattern <paramref name="seed"/> and then
    /// FIN, while reading the echo and checking every byte at its position; then the proxy's FIN.
    /// </summary>
    private static async Task PushAndVerifyAsync(int port, int seed, int length, CancellationToken ct)
    {
        using var client = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port, ct);
        var send = Task.Run(
            async () =>
            {
                var chunk = new byte[64 * 1024];
                for (var offset = 0; offset < length; offset += chunk.Length)
                {
                    var n = Math.Min(chunk.Length, length - offset);
                    Pattern.Fill(chunk.AsSpan(0, n), seed, offset);
                    await client.SendAsync(chunk.AsMemory(0, n), ct);
                }
                client.Shutdown(SocketShutdown.Send);
            },
            ct);
        var buffer = new byte[64 * 1024];
        long received = 0;
        int read;
        while ((read = await client.ReceiveAsync(buffer, ct)) > 0)
        {
            Assert.True(received + read <= length, $"client {seed}: more bytes came back than were sent");
            Pattern.Verify(buffer.AsSpan(0, read), seed, received);
            received += read;
        }
        await send;
        Assert.Equal(length, received);
    }

    /// <summary>
    /// One client of the pipelined shape: <paramref name="messages"/> messages of <paramref name="size"/>
    /// bytes, at most <paramref name="depth"/> unanswered at a time (a message is sent when the
    /// oldest one has come back), every byte checked; then FIN, and the proxy's FIN.
    /// </summary>
    private static async Task PipelineAsync(int port, int seed, int size, int depth, int messages, CancellationToken ct)
    {
        using var client = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port, ct);
        var message = new byte[size];
        var buffer = new byte[64 * 1024];
        long sent = 0, received = 0;
        for (var i = 0; i < depth; i++)
        {
            Pattern.Fill(message, seed, sent);
            sent += await client.SendAsync(message, ct);
        }
        while (received < (long)size * messages)
        {
            var n = await client.ReceiveAsync(buffer, ct);
            Assert.True(n > 0, $"client {seed}: EOF after {received} bytes");
            Pattern.Verify(buffer.AsSpan(0, n), seed, received);
            var answeredBefore = received / size;
            received += n;
            for (var answered = received / size; answeredBefore < answered && sent < (long)size * messages; answeredBefore++)
            {
                Pattern.Fill(message, seed, sent);
                sent += await client.SendAsync(message, ct);
            }
        }
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await client.ReceiveAsync(buffer, ct));
    }

    /// <summary>Sends <paramref name="bytes"/> bytes and reads their echo, so the path to the upstream is up; returns that upstream connection's outcome.</summary>
    private static async Task<Task<UpstreamOutcome>> EchoOnceAsync(System.Net.Sockets.Socket client, RawUpstream upstream, int bytes)
    {
        var payload = Pattern.Create(seed: 3, offset: 0, bytes);
        await client.SendAsync(payload).WaitAsync(TestHost.Timeout);
        var upstreamSide = await upstream.NextAsync();
        var echoed = new byte[bytes];
        using var cts = new CancellationTokenSource(TestHost.Timeout);
        for (var got = 0; got < bytes;)
        {
            var n = await client.ReceiveAsync(echoed.AsMemory(got), cts.Token);
            Assert.True(n > 0, $"EOF after {got} of {bytes} echoed bytes");
            got += n;
        }
        Assert.Equal(payload, echoed);
        return upstreamSide;
    }

    /// <summary>Reads until EOF (a reset throws), returning what came as ASCII.</summary>
    private static async Task<string> ReadToEndAsync(System.Net.Sockets.Socket client)
    {
        var text = new StringBuilder();
        var buffer = new byte[64 * 1024];
        using var cts = new CancellationTokenSource(TestHost.Timeout);
        for (var i = 0; i < 10_000; i++)
        {
            var n = await client.ReceiveAsync(buffer, cts.Token);
            if (n == 0)
            {
                return text.ToString();
            }
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        throw new InvalidOperationException("no EOF after 10,000 reads");
    }

    /// <summary>
    /// The proxy, built as samples/TcpProxy/Program.cs builds it, on the sample's appsettings.json
    /// (AllowHalfOpen, NoDelay) with a free port and the test's upstream. Records the close of every
    /// client socket it accepts, so a test can wait for all of them instead of sleeping.
    /// </summary>
    private sealed class ProxyUnderTest : IAsyncDisposable
    {
        private readonly TestHost _host;
        private readonly ConcurrentQueue<Task> _closed = new();

        private ProxyUnderTest(TestHost host)
        {
            _host = host;
            Server = host.Server("proxy");
            Server.On<Socket>("connection", socket =>
            {
                var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                socket.On<bool>("close", _ => closed.TrySetResult());
                _closed.Enqueue(closed.Task);
            });
        }

        public Server Server { get; }

        public int Port => _host.PortOf("proxy");

        public RecordingLoggerProvider Logs => _host.Logs;

        public static async Task<ProxyUnderTest> StartAsync(string upstream)
        {
            var builder = TestHost.CreateBuilder(null, out var logs);
            builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "TcpProxy.appsettings.json"), optional: false);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["NetServer:Endpoints:proxy:Port"] = "0",
                ["Proxy:Upstream"] = upstream,
            });
            // As in samples/TcpProxy/Program.cs.
            builder.Services.AddSingleton(UpstreamAddress.Parse(builder.Configuration["Proxy:Upstream"]));
            builder.Services.AddNetServer().MapEndpoint<ProxyHandler>("proxy");

            var host = TestHost.Build(builder, logs);
            try
            {
                await host.Host.StartAsync().WaitAsync(TestHost.Timeout);
                return new ProxyUnderTest(host);
            }
            catch
            {
                await host.DisposeAsync();
                throw;
            }
        }

        public async Task<System.Net.Sockets.Socket> ConnectAsync()
        {
            var client = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await client.ConnectAsync(IPAddress.Loopback, Port).WaitAsync(TestHost.Timeout);
            return client;
        }

        /// <summary>Every client socket the proxy accepted (<paramref name="expected"/> of them) has closed, and the server counts none.</summary>
        public async Task AssertAllClosedAsync(int expected)
        {
            Assert.Equal(expected, _closed.Count);
            await Task.WhenAll(_closed).WaitAsync(TestHost.Timeout);
            Assert.Equal(0, await Server.GetConnectionsAsync().WaitAsync(TestHost.Timeout));
        }

        public ValueTask DisposeAsync() => _host.DisposeAsync();
    }
}
