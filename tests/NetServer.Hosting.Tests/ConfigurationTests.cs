using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NetServer.Hosting.Internal;
using NetServer.Hosting.Tests.Infrastructure;

namespace NetServer.Hosting.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public async Task InMemoryConfiguration_EndpointListensBeforeStartReturns_AndEchoes()
    {
        await using var host = await TestHost.StartAsync(
            new Dictionary<string, string?> { ["NetServer:Endpoints:echo:Host"] = "127.0.0.1", ["NetServer:Endpoints:echo:Port"] = "0" },
            s => s.AddNetServer().MapEndpoint("echo", socket => socket.Pipe(socket)));

        Assert.True(host.Server("echo").Listening);
        using var client = await host.ConnectAsync("echo");
        await client.Client.SendAsync("hello");
        Assert.Equal("hello", await client.Client.ReceiveAsync(5));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task JsonFileConfiguration_BindsTcpAndUnixEndpoints_KeysCaseInsensitive()
    {
        using var dir = new SocketDir();
        var path = dir.File("ipc.sock");
        var json = dir.File("appsettings.json");
        await File.WriteAllTextAsync(json, $$"""
            { "netserver": { "endpoints": {
                "echo": { "HOST": "127.0.0.1", "port": 0, "backlog": 16, "maxconnections": 5, "NoDelay": true },
                "ipc": { "path": "{{path}}", "readableall": true, "WritableAll": true } } } }
            """);
        var builder = TestHost.CreateBuilder(null, out var logs);
        builder.Configuration.AddJsonFile(json);
        builder.Services.AddNetServer().MapEndpoint("echo", s => s.Pipe(s)).MapEndpoint("ipc", s => s.Pipe(s));
        await using var host = TestHost.Build(builder, logs);
        await host.Host.StartAsync().WaitAsync(TestHost.Timeout);

        var options = host.Services.GetRequiredService<IOptions<NetServerOptions>>().Value;
        Assert.Equal(16, options.Endpoints["ECHO"].Backlog);
        Assert.True(options.Endpoints["echo"].NoDelay);
        Assert.Equal(5, host.Server("echo").MaxConnections);
        Assert.Equal(path, host.Server("ipc").Address());
        Assert.Equal(UnixFileMode.OtherRead | UnixFileMode.OtherWrite, File.GetUnixFileMode(path) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite));

        using (var unix = await Wire.ConnectUnixAsync(path))
        {
            await unix.SendAsync("over ipc");
            Assert.Equal("over ipc", await unix.ReceiveAsync(8));
        }

        await host.StopAsync();
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task EnvironmentVariables_OverrideTheFileValue()
    {
        var prefix = "NSHT_" + Guid.NewGuid().ToString("N")[..8] + "_";
        var variable = prefix + "NetServer__Endpoints__echo__Port";
        Environment.SetEnvironmentVariable(variable, "0");
        try
        {
            var builder = TestHost.CreateBuilder(
                new Dictionary<string, string?> { ["NetServer:Endpoints:echo:Host"] = "127.0.0.1", ["NetServer:Endpoints:echo:Port"] = "70000" },
                out var logs);
            builder.Configuration.AddEnvironmentVariables(prefix);
            builder.Services.AddNetServer().MapEndpoint("echo", s => s.Pipe(s));
            await using var host = TestHost.Build(builder, logs);
            await host.Host.StartAsync().WaitAsync(TestHost.Timeout);

            Assert.NotEqual(0, host.PortOf("echo"));
            await host.StopAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task ConfigurationSectionOverload_BindsThatSection_AndNamesItInMessages()
    {
        var builder = TestHost.CreateBuilder(new Dictionary<string, string?> { ["Custom:Net:Endpoints:echo:Port"] = "-5" }, out var logs);
        builder.Services.AddNetServer(builder.Configuration.GetSection("Custom:Net")).MapEndpoint("echo", s => s.Pipe(s));
        await using var host = TestHost.Build(builder, logs);

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.Host.StartAsync());
        Assert.Contains("Custom:Net:Endpoints:echo:Port must be between 0 and 65535 (was -5).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActionOverload_AddsEndpointsInCode_OnTopOfConfiguration()
    {
        await using var host = await TestHost.StartAsync(
            new Dictionary<string, string?> { ["NetServer:OnUnhandledError"] = "StopApplication" },
            s => s.AddNetServer(o => o.Endpoints["code"] = new NetServerEndpointOptions { Host = "127.0.0.1", Port = 0 })
                .MapEndpoint("code", socket => socket.Pipe(socket)));

        Assert.Equal(UnhandledErrorBehavior.StopApplication, host.Services.GetRequiredService<IOptions<NetServerOptions>>().Value.OnUnhandledError);
        using var client = await host.ConnectAsync("code");
        await client.Client.SendAsync("x");
        Assert.Equal("x", await client.Client.ReceiveAsync(1));
    }

    [Fact]
    public void RepositoryAppSettings_DescribesTheSampleEndpoints_AndValidates()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetServer.sln")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(dir.FullName, "appsettings.json")).Build();
        var options = new NetServerOptions();
        configuration.GetSection(NetServerOptions.SectionName).Bind(options);

        var echo = options.Endpoints["echo"];
        Assert.Equal(("127.0.0.1", 7000, 511, 10000), (echo.Host, echo.Port, echo.Backlog, echo.MaxConnections));
        var ipc = options.Endpoints["ipc"];
        Assert.Equal(("/tmp/netserver-echo.sock", true, true), (ipc.Path, ipc.ReadableAll, ipc.WritableAll));

        var mappings = new[] { new EndpointMapping("echo", _ => _ => { }), new EndpointMapping("ipc", _ => _ => { }) };
        Assert.True(new NetServerOptionsValidator(mappings).Validate(null, options).Succeeded);
    }
}
