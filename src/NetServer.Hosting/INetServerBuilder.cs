using Microsoft.Extensions.DependencyInjection;

namespace NetServer.Hosting;

/// <summary>Returned by <c>AddNetServer()</c>: maps handlers to configured endpoints with <c>MapEndpoint</c>.</summary>
public interface INetServerBuilder
{
    /// <summary>The service collection NetServer was added to.</summary>
    IServiceCollection Services { get; }
}
