using Microsoft.Extensions.DependencyInjection;
using NetServer.Hosting.Tests.Infrastructure;

namespace NetServer.Hosting.Tests;

public sealed class DependencyInjectionTests
{
    private static readonly Dictionary<string, string?> TwoEndpoints = new()
    {
        ["NetServer:Endpoints:greet:Host"] = "127.0.0.1",
        ["NetServer:Endpoints:greet:Port"] = "0",
        ["NetServer:Endpoints:echo:Host"] = "127.0.0.1",
        ["NetServer:Endpoints:echo:Port"] = "0",
    };

    [Fact]
    public async Task KeyedServer_IsTheListeningServerOfThatEndpoint()
    {
        await using var host = await TestHost.StartAsync(TwoEndpoints, s => s.AddNetServer()
            .MapEndpoint("greet", socket => socket.Pipe(socket))
            .MapEndpoint("echo", socket => socket.Pipe(socket)));

        var echo = host.Services.GetRequiredKeyedService<Server>("echo");
        var greet = host.Services.GetRequiredKeyedService<Server>("greet");
        Assert.NotSame(echo, greet);
        Assert.Same(echo, host.Services.GetRequiredKeyedService<Server>("echo"));
        Assert.True(echo.Listening);
        Assert.Same(echo.Loop, greet.Loop);
        Assert.NotSame(EventLoop.Default, echo.Loop);
        Assert.Equal("127.0.0.1", Assert.IsType<AddressInfo>(echo.Address()).Address);
    }

    [Fact]
    public async Task DiActivatedHandler_GetsItsConstructorDependency()
    {
        await using var host = await TestHost.StartAsync(TwoEndpoints, s =>
        {
            s.AddSingleton(new Greeting("hi from DI"));
            s.AddNetServer().MapEndpoint<GreetingHandler>("greet").MapEndpoint("echo", socket => socket.Pipe(socket));
        });

        using var client = await host.ConnectAsync("greet");
        Assert.Equal("hi from DI", await client.Client.ReceiveAsync("hi from DI".Length));
    }

    [Fact]
    public async Task RegisteredHandler_IsTakenFromTheContainer()
    {
        var handler = new GreetingHandler(new Greeting("registered"));
        await using var host = await TestHost.StartAsync(TwoEndpoints, s =>
        {
            s.AddSingleton(handler);
            s.AddNetServer().MapEndpoint<GreetingHandler>("greet").MapEndpoint("echo", socket => socket.Pipe(socket));
        });

        using var client = await host.ConnectAsync("greet");
        Assert.Equal("registered", await client.Client.ReceiveAsync("registered".Length));
        Assert.Equal(1, handler.Connections);
    }

    public sealed record Greeting(string Text);

    public sealed class GreetingHandler(Greeting greeting) : INetServerHandler
    {
        public int Connections { get; private set; }

        public void OnConnection(Socket socket)
        {
            Connections++;
            socket.End(greeting.Text);
        }
    }
}
