using Microsoft.Extensions.DependencyInjection;
using NetServer.Hosting.Tests.Infrastructure;

namespace NetServer.Hosting.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task ConnectionLifecycle_IsMeasured_WithEndpointAndTransportTags()
    {
        await using var host = await TestHost.StartAsync(
            new Dictionary<string, string?> { ["NetServer:Endpoints:echo:Host"] = "127.0.0.1", ["NetServer:Endpoints:echo:Port"] = "0" },
            s => s.AddNetServer().MapEndpoint("echo", socket => socket.Pipe(socket)));

        using (var client = await host.ConnectAsync("echo"))
        {
            await client.Client.SendAsync("12345");
            Assert.Equal("12345", await client.Client.ReceiveAsync(5));
            await host.Logs.WaitFor(10);
            Assert.Equal(1, host.Metrics.Sum("netserver.connections.active"));
        }
        await host.Logs.WaitFor(11); // logged after the close measurements

        Assert.Equal(1, host.Metrics.Sum("netserver.connections.accepted"));
        Assert.Equal(0, host.Metrics.Sum("netserver.connections.active"));
        Assert.Equal(5, host.Metrics.Sum("netserver.bytes.read"));
        Assert.Equal(5, host.Metrics.Sum("netserver.bytes.written"));
        var duration = Assert.Single(host.Metrics.For("netserver.connection.duration"));
        Assert.InRange(duration.Value, 0, TestHost.Timeout.TotalSeconds);
        foreach (var m in host.Metrics.For("netserver.connections.accepted").Concat(host.Metrics.For("netserver.bytes.read")).Append(duration))
        {
            Assert.Equal("echo", m.Tags["netserver.endpoint"]);
            Assert.Equal("tcp", m.Tags["network.transport"]);
        }
    }

    [Fact]
    public async Task MaxConnectionsReached_CountsADrop_WithReason()
    {
        await using var host = await TestHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["NetServer:Endpoints:full:Host"] = "127.0.0.1",
                ["NetServer:Endpoints:full:Port"] = "0",
                ["NetServer:Endpoints:full:MaxConnections"] = "0",
            },
            s => s.AddNetServer().MapEndpoint("full", socket => socket.Pipe(socket)));

        using var client = await host.ConnectAsync("full");
        await client.Client.WaitForEndAsync();
        await host.Logs.WaitFor(12);

        var drop = Assert.Single(host.Metrics.For("netserver.connections.dropped"));
        Assert.Equal(1, drop.Value);
        Assert.Equal("max_connections", drop.Tags["reason"]);
        Assert.Equal("full", drop.Tags["netserver.endpoint"]);
        Assert.Empty(host.Metrics.For("netserver.connections.accepted"));
    }

    [Fact]
    public async Task UnixEndpoint_IsTaggedUnix()
    {
        using var dir = new SocketDir();
        var path = dir.File("m.sock");
        await using var host = await TestHost.StartAsync(
            new Dictionary<string, string?> { ["NetServer:Endpoints:ipc:Path"] = path },
            s => s.AddNetServer().MapEndpoint("ipc", socket => socket.Pipe(socket)));

        using (var unix = await Wire.ConnectUnixAsync(path))
        {
            await unix.SendAsync("abc");
            Assert.Equal("abc", await unix.ReceiveAsync(3));
        }
        await host.Logs.WaitFor(11);

        var accepted = Assert.Single(host.Metrics.For("netserver.connections.accepted"));
        Assert.Equal("unix", accepted.Tags["network.transport"]);
        Assert.Equal(3, host.Metrics.Sum("netserver.bytes.read"));
    }
}
