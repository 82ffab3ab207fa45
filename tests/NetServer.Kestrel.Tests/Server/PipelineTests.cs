using System.IO.Pipelines;
using System.Net;
using NetServer.Kestrel.Tests.Infrastructure;

namespace NetServer.Kestrel.Tests.ServerBehaviour;

/// <summary>Server.Use: Kestrel-style connection middleware in front of the socket, on every accept path.</summary>
public sealed class PipelineTests : IDisposable
{
    private readonly TestLoop _t = new();

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Middleware_runs_in_order_before_the_connection_event_and_can_pass_state()
    {
        var order = new List<string>();
        object? seenTag = null;
        var server = _t.CreateServer(socket =>
        {
            lock (order)
            {
                order.Add("connection");
            }
            seenTag = socket.Connection!.Items["tag"];
            ServerTestHelpers.Echo(socket);
        });
        server.Use(next => async connection =>
        {
            lock (order)
            {
                order.Add("first");
            }
            connection.Items["tag"] = "from-first";
            await next(connection);
        }).Use(next => connection =>
        {
            lock (order)
            {
                order.Add("second");
            }
            return next(connection);
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using (var client = await Client.ConnectAsync(server))
        {
            await ServerTestHelpers.AssertEchoes(client, "through two middlewares");
            client.ShutdownSend();
            Assert.Equal("", await client.ReadToEndAsync());
        }
        await server.CloseAsync().WithTimeout();
        Assert.Equal(["first", "second", "connection"], order);
        Assert.Equal("from-first", seenTag);
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task A_middleware_that_replaces_the_transport_is_what_the_socket_reads_and_writes()
    {
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        server.Use(next => async connection =>
        {
            var original = connection.Transport;
            var upper = new Pipe();
            var pump = UppercaseAsync(original.Input, upper.Writer);
            connection.Transport = new DuplexPipe(upper.Reader, original.Output);
            await next(connection);
            await original.Input.CompleteAsync();
            await pump;
        });
        await server.ListenAsync(0, "127.0.0.1");
        await using (var client = await Client.ConnectAsync(server))
        {
            await client.SendAsync("shout");
            Assert.Equal("SHOUT", await client.ReadStringAsync(5));
            client.ShutdownSend();
            Assert.Equal("", await client.ReadToEndAsync());
        }
        // Close completes once the socket over the replaced transport is gone.
        await server.CloseAsync().WithTimeout();
        Assert.Empty(_t.Uncaught);
    }

    [Fact]
    public async Task A_middleware_that_does_not_call_next_keeps_the_connection_from_the_server()
    {
        var connections = 0;
        var server = _t.CreateServer(_ => connections++);
        server.Use(_ => connection => Task.CompletedTask);
        await server.ListenAsync(0, "127.0.0.1");
        await using (var client = await Client.ConnectAsync(server))
        {
            // The connection is disposed once the pipeline returns: the client sees EOF.
            Assert.Equal("", await client.ReadToEndAsync());
        }
        Assert.Equal(0, await server.GetConnectionsAsync().WithTimeout());
        Assert.Equal(0, connections);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task A_throwing_middleware_reaches_uncaughtException_closes_that_connection_and_serving_goes_on()
    {
        var calls = 0;
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        server.Use(next => connection =>
            Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("middleware bug") : next(connection));
        await server.ListenAsync(0, "127.0.0.1");
        // The failed connection is aborted: a reset (which can beat even the client's connect
        // completion, since the server accepts and aborts before the client's epoll reports the
        // connect), or an EOF if the abort races the close.
        var failure = await Record.ExceptionAsync(async () =>
        {
            await using var first = await Client.ConnectAsync(server);
            await first.ReadAllBytesAsync();
        });
        if (failure is not null)
        {
            Assert.Equal(System.Net.Sockets.SocketError.ConnectionReset, Assert.IsType<System.Net.Sockets.SocketException>(failure).SocketErrorCode);
        }
        await using (var second = await Client.ConnectAsync(server))
        {
            await ServerTestHelpers.AssertEchoes(second, "still serving");
        }
        var error = await WaitForUncaught();
        Assert.Equal("middleware bug", error.Message);
        await server.CloseAsync().WithTimeout();
    }

    [Fact]
    public async Task The_same_middleware_runs_for_connections_of_a_user_kestrel()
    {
        var ran = 0;
        var server = _t.CreateServer(ServerTestHelpers.Echo);
        server.Use(next => connection =>
        {
            Interlocked.Increment(ref ran);
            return next(connection);
        });
        var (app, port) = await UseNetServerTests.StartKestrel(server);
        await using var running = app;
        await using (var client = await Client.ConnectAsync(IPAddress.Loopback, port))
        {
            await ServerTestHelpers.AssertEchoes(client, "kestrel too");
        }
        Assert.Equal(1, Volatile.Read(ref ran));
        await app.StopAsync().WaitAsync(TestLoop.Timeout);
    }

    private async Task<Exception> WaitForUncaught()
    {
        var deadline = DateTime.UtcNow + TestLoop.Timeout;
        while (!_t.Uncaught.TryPeek(out _))
        {
            Assert.True(DateTime.UtcNow < deadline, "no uncaughtException");
            // The error is posted to the loop: a round trip through the loop lets it run first.
            await _t.Run(() => { });
        }
        _t.Uncaught.TryDequeue(out var error);
        return error!;
    }

    private static async Task UppercaseAsync(PipeReader from, PipeWriter to)
    {
        while (true)
        {
            var result = await from.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                var upper = System.Text.Encoding.ASCII.GetBytes(System.Text.Encoding.ASCII.GetString(segment.Span).ToUpperInvariant());
                await to.WriteAsync(upper);
            }
            from.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                await to.CompleteAsync();
                return;
            }
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
