using Microsoft.Extensions.DependencyInjection;

namespace NetServer.Hosting.Internal;

/// <summary>The <see cref="INetServerBuilder"/> handed out by <c>AddNetServer()</c>.</summary>
internal sealed class NetServerBuilder(IServiceCollection services) : INetServerBuilder
{
    public IServiceCollection Services { get; } = services;
}
