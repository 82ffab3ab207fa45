using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NetServer.Hosting.Tests.Infrastructure;

namespace NetServer.Hosting.Tests;

public sealed class ValidationTests
{
    public static TheoryData<string, string?, string> InvalidEndpoints => new()
    {
        { "Port", "70000", "NetServer:Endpoints:echo:Port must be between 0 and 65535 (was 70000)." },
        { "Port", "-1", "NetServer:Endpoints:echo:Port must be between 0 and 65535 (was -1)." },
        { "Backlog", "0", "NetServer:Endpoints:echo:Backlog must be greater than 0 (was 0)." },
        { "Backlog", "-3", "NetServer:Endpoints:echo:Backlog must be greater than 0 (was -3)." },
        { "KeepAliveInitialDelay", "-1", "NetServer:Endpoints:echo:KeepAliveInitialDelay must not be negative (was -1)." },
        { "HighWaterMark", "-1", "NetServer:Endpoints:echo:HighWaterMark must not be negative (was -1)." },
        { "Path", "/tmp/x.sock", "NetServer:Endpoints:echo must set exactly one of Port or Path (both are set)." },
        { "PORT", "99999", "NetServer:Endpoints:echo:Port must be between 0 and 65535 (was 99999)." },
    };

    [Theory]
    [MemberData(nameof(InvalidEndpoints))]
    public async Task InvalidEndpointKey_FailsStart_NamingEndpointAndKey(string key, string? value, string message)
    {
        var config = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["NetServer:Endpoints:echo:Host"] = "127.0.0.1",
            ["NetServer:Endpoints:echo:Port"] = "0",
            [$"NetServer:Endpoints:echo:{key}"] = value,
        };
        var ex = await StartExpectingFailure(config, b => b.MapEndpoint("echo", s => s.Pipe(s)));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NeitherPortNorPath_FailsStart()
    {
        var ex = await StartExpectingFailure(
            new Dictionary<string, string?> { ["NetServer:Endpoints:echo:Backlog"] = "5" },
            b => b.MapEndpoint("echo", s => s.Pipe(s)));
        Assert.Contains("NetServer:Endpoints:echo must set exactly one of Port or Path (neither is set).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PathLongerThan107Bytes_FailsStart()
    {
        var path = "/tmp/" + new string('p', 103); // 108 bytes
        var ex = await StartExpectingFailure(
            new Dictionary<string, string?> { ["NetServer:Endpoints:ipc:Path"] = path },
            b => b.MapEndpoint("ipc", s => s.Pipe(s)));
        Assert.Contains("NetServer:Endpoints:ipc:Path must be at most 107 bytes (was 108).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostWithPath_FailsStart()
    {
        var ex = await StartExpectingFailure(
            new Dictionary<string, string?> { ["NetServer:Endpoints:ipc:Path"] = "/tmp/a.sock", ["NetServer:Endpoints:ipc:Host"] = "127.0.0.1" },
            b => b.MapEndpoint("ipc", s => s.Pipe(s)));
        Assert.Contains("NetServer:Endpoints:ipc:Host applies only to Port endpoints", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredEndpointWithoutHandler_FailsStart()
    {
        var ex = await StartExpectingFailure(
            new Dictionary<string, string?> { ["NetServer:Endpoints:echo:Port"] = "0", ["NetServer:Endpoints:other:Port"] = "0" },
            b => b.MapEndpoint("echo", s => s.Pipe(s)));
        Assert.Contains("NetServer:Endpoints:other has no handler: map one with MapEndpoint(\"other\", ...).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandlerMappedToNoEndpoint_FailsStart()
    {
        var ex = await StartExpectingFailure(
            new Dictionary<string, string?> { ["NetServer:Endpoints:echo:Port"] = "0" },
            b => b.MapEndpoint("echo", s => s.Pipe(s)).MapEndpoint("ghost", s => s.Pipe(s)));
        Assert.Contains("NetServer:Endpoints:ghost is not configured, but MapEndpoint(\"ghost\") maps a handler to it.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameEndpointMappedTwice_FailsStart()
    {
        var ex = await StartExpectingFailure(
            new Dictionary<string, string?> { ["NetServer:Endpoints:echo:Port"] = "0" },
            b => b.MapEndpoint("echo", s => s.Pipe(s)).MapEndpoint("ECHO", s => s.Pipe(s)));
        Assert.Contains("NetServer:Endpoints:ECHO has more than one handler mapped", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryFailureIsReported_NotJustTheFirst()
    {
        var ex = await StartExpectingFailure(
            new Dictionary<string, string?> { ["NetServer:Endpoints:a:Port"] = "70000", ["NetServer:Endpoints:b:Port"] = "0", ["NetServer:Endpoints:b:Backlog"] = "0" },
            b => b.MapEndpoint("a", s => s.Pipe(s)).MapEndpoint("b", s => s.Pipe(s)));
        Assert.Equal(2, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.StartsWith("NetServer:Endpoints:a:Port", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("NetServer:Endpoints:b:Backlog", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EmptyPath_FailsStart()
    {
        var ex = await StartExpectingFailure(
            new Dictionary<string, string?> { ["NetServer:Endpoints:ipc:Path"] = "" },
            b => b.MapEndpoint("ipc", s => s.Pipe(s)));
        Assert.Contains("NetServer:Endpoints:ipc:Path must not be empty.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonNumericPort_FailsStart_NamingTheKey()
    {
        var builder = TestHost.CreateBuilder(new Dictionary<string, string?> { ["NetServer:Endpoints:echo:Port"] = "seven" }, out var logs);
        builder.Services.AddNetServer().MapEndpoint("echo", s => s.Pipe(s));
        await using var host = TestHost.Build(builder, logs);
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.Host.StartAsync().WaitAsync(TestHost.Timeout));
        Assert.Contains("NetServer:Endpoints:echo could not be bound: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'NetServer:Endpoints:echo:Port'", ex.Message, StringComparison.Ordinal);
    }

    private static async Task<OptionsValidationException> StartExpectingFailure(Dictionary<string, string?> config, Action<INetServerBuilder> map)
    {
        var builder = TestHost.CreateBuilder(config, out var logs);
        map(builder.Services.AddNetServer());
        await using var host = TestHost.Build(builder, logs);
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.Host.StartAsync().WaitAsync(TestHost.Timeout));
    }
}
