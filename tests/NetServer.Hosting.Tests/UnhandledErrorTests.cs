using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NetServer.Hosting.Tests.Infrastructure;

namespace NetServer.Hosting.Tests;

public sealed class UnhandledErrorTests
{
    private static Dictionary<string, string?> Config(string behavior) => new()
    {
        ["NetServer:OnUnhandledError"] = behavior,
        ["NetServer:Endpoints:echo:Host"] = "127.0.0.1",
        ["NetServer:Endpoints:echo:Port"] = "0",
    };

    /// <summary>Echoes, except that "boom" makes the data listener throw.</summary>
    private static void Fragile(Socket socket) => socket.On<byte[]>("data", data =>
    {
        if (Encoding.UTF8.GetString(data) == "boom")
        {
            throw new InvalidOperationException("handler bug");
        }
        socket.Write(data);
    });

    [Fact]
    public async Task ThrowingListener_IsLoggedWithEndpointAndPeer_SocketDestroyed_ServerKeepsServing()
    {
        await using var host = await TestHost.StartAsync(Config("Log"), s => s.AddNetServer().MapEndpoint("echo", Fragile));

        using var victim = await host.ConnectAsync("echo");
        var peer = $"127.0.0.1:{((System.Net.IPEndPoint)victim.Client.LocalEndPoint!).Port}";
        await victim.Client.SendAsync("boom");
        var logged = await host.Logs.WaitFor(20);
        await victim.Client.WaitForEndAsync();

        Assert.IsType<InvalidOperationException>(logged.Exception);
        Assert.Contains("endpoint echo", logged.Message, StringComparison.Ordinal);
        Assert.Contains(peer, logged.Message, StringComparison.Ordinal);

        using var next = await host.ConnectAsync("echo");
        await next.Client.SendAsync("still here");
        Assert.Equal("still here", await next.Client.ReceiveAsync(10));
        Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task ThrowingConnectionHandler_IsAttributedToItsSocket()
    {
        await using var host = await TestHost.StartAsync(Config("Log"), s => s.AddNetServer()
            .MapEndpoint("echo", _ => throw new InvalidOperationException("bad handler")));

        using var victim = await host.ConnectAsync("echo");
        var logged = await host.Logs.WaitFor(20);
        await victim.Client.WaitForEndAsync();
        Assert.Contains("the socket was destroyed", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopApplicationOption_StopsTheHost()
    {
        await using var host = await TestHost.StartAsync(Config("StopApplication"), s => s.AddNetServer().MapEndpoint("echo", Fragile));
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());

        using var victim = await host.ConnectAsync("echo");
        await victim.Client.SendAsync("boom");

        await stopping.Task.WaitAsync(TestHost.Timeout);
        await host.Logs.WaitFor(21);
    }
}
