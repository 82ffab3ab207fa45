using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using NetServer.Hosting.Tests.Infrastructure;

namespace NetServer.Hosting.Tests;

public sealed class ShutdownTests
{
    private static readonly Dictionary<string, string?> Echo = new()
    {
        ["NetServer:Endpoints:echo:Host"] = "127.0.0.1",
        ["NetServer:Endpoints:echo:Port"] = "0",
    };

    [Fact]
    public async Task Stop_StopsAcceptingAtOnce_AndWaitsForLiveConnectionsToFinish()
    {
        await using var host = await TestHost.StartAsync(Echo, s => s.AddNetServer().MapEndpoint("echo", socket => socket.Pipe(socket)));
        var port = host.PortOf("echo");
        using var client = await host.ConnectAsync("echo");
        await client.Client.SendAsync("a");
        Assert.Equal("a", await client.Client.ReceiveAsync(1));

        using var generous = new CancellationTokenSource(TestHost.Timeout);
        var stop = host.StopAsync(generous.Token);
        await host.Logs.WaitFor(3); // "Stopping": every server has been closed

        Assert.False(host.Server("echo").Listening);
        using var late = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(() => late.ConnectAsync("127.0.0.1", port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        // The live connection is still served while the host stops.
        Assert.False(stop.IsCompleted);
        await client.Client.SendAsync("b");
        Assert.Equal("b", await client.Client.ReceiveAsync(1));

        client.Client.Shutdown(SocketShutdown.Send);
        await client.Client.WaitForEndAsync();
        await stop.WaitAsync(TestHost.Timeout);
        Assert.False(generous.IsCancellationRequested);
        Assert.DoesNotContain(host.Logs.NetServerEntries, e => e.EventId.Id == 4);
        await host.Logs.WaitFor(5, e => e.Message.Contains("echo", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_DestroysConnectionsStillOpenWhenTheTokenFires()
    {
        await using var host = await TestHost.StartAsync(Echo, s => s.AddNetServer().MapEndpoint("echo", socket => socket.Pipe(socket)));
        using var client = await host.ConnectAsync("echo");
        await client.Client.SendAsync("a");
        Assert.Equal("a", await client.Client.ReceiveAsync(1));

        using var shortToken = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await host.StopAsync(shortToken.Token).WaitAsync(TestHost.Timeout);

        var destroyed = await host.Logs.WaitFor(4);
        Assert.Contains("1 live connection", destroyed.Message, StringComparison.Ordinal);
        await client.Client.WaitForEndAsync();
        Assert.Equal(1, host.Metrics.Sum("netserver.connections.accepted"));
        Assert.Equal(0, host.Metrics.Sum("netserver.connections.active"));
    }

    [Fact]
    public async Task Stop_RemovesTheSocketFile_AndClosesEveryServer()
    {
        using var dir = new SocketDir();
        var path = dir.File("s.sock");
        var config = new Dictionary<string, string?>(Echo) { ["NetServer:Endpoints:ipc:Path"] = path };
        await using var host = await TestHost.StartAsync(config, s => s.AddNetServer()
            .MapEndpoint("echo", socket => socket.Pipe(socket))
            .MapEndpoint("ipc", socket => socket.Pipe(socket)));
        Assert.True(File.Exists(path));
        var loop = host.Server("echo").Loop;
        Assert.False(loop.RunAsync().IsCompleted); // listening servers hold the host's loop

        using (var unix = await Wire.ConnectUnixAsync(path))
        {
            await unix.SendAsync("u");
            Assert.Equal("u", await unix.ReceiveAsync(1));
        }

        await host.StopAsync().WaitAsync(TestHost.Timeout);

        Assert.False(File.Exists(path));
        Assert.False(host.Server("echo").Listening);
        Assert.False(host.Server("ipc").Listening);
        Assert.True(loop.RunAsync().IsCompleted); // the host's loop has stopped: no timer or socket outlives the host
    }

    [Fact]
    public async Task DisposeWithoutStop_StillReleasesTheListeningSocketAndFile()
    {
        using var dir = new SocketDir();
        var path = dir.File("d.sock");
        var host = await TestHost.StartAsync(
            new Dictionary<string, string?> { ["NetServer:Endpoints:ipc:Path"] = path },
            s => s.AddNetServer().MapEndpoint("ipc", socket => socket.Pipe(socket)));
        var server = host.Server("ipc");

        await host.DisposeAsync();

        Assert.False(server.Listening);
        Assert.False(File.Exists(path));
    }
}
