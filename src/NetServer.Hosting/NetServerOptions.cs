using Microsoft.Extensions.Configuration;

namespace NetServer.Hosting;

/// <summary>The <c>"NetServer"</c> configuration section: named endpoints and host-wide behaviour.</summary>
public sealed class NetServerOptions
{
    /// <summary>The configuration section <c>AddNetServer()</c> binds.</summary>
    public const string SectionName = "NetServer";

    /// <summary>The endpoints, by name (case-insensitive, as configuration keys are).</summary>
    /// <remarks>Each configured endpoint needs a handler mapped with <c>MapEndpoint</c>, and each mapping a configured endpoint.</remarks>
    public IDictionary<string, NetServerEndpointOptions> Endpoints { get; } =
        new Dictionary<string, NetServerEndpointOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>What to do with an error nobody handled.</summary>
    /// <remarks>Defaults to <see cref="UnhandledErrorBehavior.Log"/>.</remarks>
    public UnhandledErrorBehavior OnUnhandledError { get; set; } = UnhandledErrorBehavior.Log;

    /// <summary>The configuration path the options were bound from, used to name keys in validation messages.</summary>
    internal string ConfigurationPath { get; set; } = SectionName;

    /// <summary>The section the options were bound from, so validation can explain an endpoint the binder skipped.</summary>
    internal IConfiguration? Configuration { get; set; }
}
