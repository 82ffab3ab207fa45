using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace NetServer.Hosting.Internal;

/// <summary>
/// Validates <see cref="NetServerOptions"/> on host start (registered with <c>ValidateOnStart</c>):
/// every message names the endpoint and the key, e.g. <c>NetServer:Endpoints:echo:Port must be between 0 and 65535 (was 70000).</c>
/// </summary>
internal sealed class NetServerOptionsValidator(IEnumerable<EndpointMapping> mappings) : IValidateOptions<NetServerOptions>
{
    /// <summary>The longest Unix socket path, in bytes (<c>sizeof(sun_path) - 1</c> on Linux).</summary>
    internal const int MaxPathBytes = 107;

    public ValidateOptionsResult Validate(string? name, NetServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var prefix = string.IsNullOrEmpty(options.ConfigurationPath) ? "Endpoints" : options.ConfigurationPath + ":Endpoints";
        var mapped = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        foreach (var mapping in mappings)
        {
            if (!mapped.Add(mapping.Name))
            {
                failures.Add($"{prefix}:{mapping.Name} has more than one handler mapped (MapEndpoint(\"{mapping.Name}\") was called twice).");
            }
            if (!options.Endpoints.ContainsKey(mapping.Name))
            {
                failures.Add(BindingFailure(options.Configuration, prefix, mapping.Name)
                    ?? $"{prefix}:{mapping.Name} is not configured, but MapEndpoint(\"{mapping.Name}\") maps a handler to it.");
            }
        }

        foreach (var (endpoint, o) in options.Endpoints)
        {
            var at = $"{prefix}:{endpoint}";
            if (o is null)
            {
                failures.Add($"{at} has neither Port nor Path.");
                continue;
            }
            if (!mapped.Contains(endpoint))
            {
                failures.Add($"{at} has no handler: map one with MapEndpoint(\"{endpoint}\", ...).");
            }
            ValidateEndpoint(at, o, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// The binder skips a dictionary entry whose values do not convert (<c>"Port": "seven"</c>); the
    /// endpoint then looks unconfigured. Binding the section alone surfaces the binder's own message.
    /// </summary>
    private static string? BindingFailure(IConfiguration? configuration, string prefix, string endpoint)
    {
        var section = configuration?.GetSection("Endpoints").GetSection(endpoint);
        if (section is null || !section.Exists())
        {
            return null;
        }
        try
        {
            section.Get<NetServerEndpointOptions>();
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return $"{prefix}:{endpoint} could not be bound: {ex.Message}";
        }
    }

    private static void ValidateEndpoint(string at, NetServerEndpointOptions o, List<string> failures)
    {
        switch (o.Port, o.Path)
        {
            case (null, null):
                failures.Add($"{at} must set exactly one of Port or Path (neither is set).");
                break;
            case (not null, not null):
                failures.Add($"{at} must set exactly one of Port or Path (both are set).");
                break;
        }
        if (o.Port is { } port && (port < 0 || port > 65535))
        {
            failures.Add($"{at}:Port must be between 0 and 65535 (was {port}).");
        }
        if (o.Path is { } path)
        {
            if (path.Length == 0)
            {
                failures.Add($"{at}:Path must not be empty.");
            }
            else if (Encoding.UTF8.GetByteCount(path) is var bytes && bytes > MaxPathBytes)
            {
                failures.Add($"{at}:Path must be at most {MaxPathBytes} bytes (was {bytes}).");
            }
        }
        if (o.Host is not null && o.Port is null && o.Path is not null)
        {
            failures.Add($"{at}:Host applies only to Port endpoints (this endpoint has a Path).");
        }
        if (o.Backlog is { } backlog && backlog <= 0)
        {
            failures.Add($"{at}:Backlog must be greater than 0 (was {backlog}).");
        }
        if (o.KeepAliveInitialDelay < 0)
        {
            failures.Add($"{at}:KeepAliveInitialDelay must not be negative (was {o.KeepAliveInitialDelay}).");
        }
        if (o.HighWaterMark < 0)
        {
            failures.Add($"{at}:HighWaterMark must not be negative (was {o.HighWaterMark}).");
        }
    }
}
