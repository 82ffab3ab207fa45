using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using NetServer.Hosting.Tests.Infrastructure;

namespace NetServer.Hosting.Tests;

public sealed class BindFailureTests
{
    [Fact]
    public async Task PortInUse_FailsStartWithNodeError_AndClosesTheServerAlreadyStarted()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var taken = ((IPEndPoint)occupier.LocalEndpoint).Port;

        var builder = TestHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["NetServer:Endpoints:first:Host"] = "127.0.0.1",
            ["NetServer:Endpoints:first:Port"] = "0",
            ["NetServer:Endpoints:second:Host"] = "127.0.0.1",
            ["NetServer:Endpoints:second:Port"] = taken.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, out var logs);
        builder.Services.AddNetServer().MapEndpoint("first", s => s.Pipe(s)).MapEndpoint("second", s => s.Pipe(s));
        await using var host = TestHost.Build(builder, logs);

        var first = host.Server("first");
        var firstPort = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        first.On("listening", () => firstPort.TrySetResult(((AddressInfo)first.Address()!).Port));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.Host.StartAsync().WaitAsync(TestHost.Timeout));

        var error = Assert.IsAssignableFrom<INodeSystemError>(ex);
        Assert.Equal("EADDRINUSE", error.Code);
        Assert.Equal("listen", error.Syscall);
        Assert.Equal(taken, error.Port);
        Assert.Equal($"listen EADDRINUSE: address already in use 127.0.0.1:{taken}", ex.Message);

        Assert.False(first.Listening);
        using var probe = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var port = await firstPort.Task.WaitAsync(TestHost.Timeout);
        var refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        var logged = await logs.WaitFor(2);
        Assert.Contains("second", logged.Message, StringComparison.Ordinal);
        Assert.Contains("EADDRINUSE", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SocketPathInUse_FailsStartWithEaddrinuse()
    {
        using var dir = new SocketDir();
        var path = dir.File("busy.sock");
        using var occupier = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        occupier.Bind(new UnixDomainSocketEndPoint(path));
        occupier.Listen();

        var builder = TestHost.CreateBuilder(new Dictionary<string, string?> { ["NetServer:Endpoints:ipc:Path"] = path }, out var logs);
        builder.Services.AddNetServer().MapEndpoint("ipc", s => s.Pipe(s));
        await using var host = TestHost.Build(builder, logs);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.Host.StartAsync().WaitAsync(TestHost.Timeout));
        Assert.Equal("EADDRINUSE", Assert.IsAssignableFrom<INodeSystemError>(ex).Code);
        Assert.True(File.Exists(path)); // someone else's socket file is left alone
    }
}
