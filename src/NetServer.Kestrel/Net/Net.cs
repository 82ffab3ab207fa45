using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using NetServer.Internal;

namespace NetServer;

/// <summary>Node's <c>net</c> module entry points.</summary>
public static partial class Net
{
    private static volatile bool s_autoSelectFamily = true;
    private static volatile int s_autoSelectFamilyAttemptTimeout = 250;

    /// <summary>Node's <c>net.createServer([connectionListener])</c>.</summary>
    /// <param name="connectionListener">Added as a <c>"connection"</c> listener.</param>
    /// <returns>A new server.</returns>
    public static Server CreateServer(Action<Socket>? connectionListener = null) => new(connectionListener);

    /// <summary>Node's <c>net.createServer(options[, connectionListener])</c>.</summary>
    /// <param name="options">Server options.</param>
    /// <param name="connectionListener">Added as a <c>"connection"</c> listener.</param>
    /// <returns>A new server.</returns>
    public static Server CreateServer(ServerOptions options, Action<Socket>? connectionListener = null) => new(options, connectionListener);

    /// <summary>Node's <c>net.connect(port[, host][, connectListener])</c>: a new client socket, connecting.</summary>
    /// <param name="port">0–65535.</param>
    /// <param name="host">Host name or IP; null means <c>"localhost"</c>.</param>
    /// <param name="connectListener">Added as a once <c>"connect"</c> listener.</param>
    /// <returns>The socket.</returns>
    public static Socket Connect(int port, string? host = null, Action? connectListener = null) =>
        new Socket().Connect(port, host, connectListener);

    /// <summary>Node's <c>net.connect(path[, connectListener])</c>: connects to a Unix domain socket.</summary>
    /// <param name="path">The socket path.</param>
    /// <param name="connectListener">Added as a once <c>"connect"</c> listener.</param>
    /// <returns>The socket.</returns>
    public static Socket Connect(string path, Action? connectListener = null) => new Socket().Connect(path, connectListener);

    /// <summary>Node's <c>net.connect(options[, connectListener])</c>: the socket takes <c>AllowHalfOpen</c> and <c>Signal</c> from the options.</summary>
    /// <param name="options">Where and how to connect.</param>
    /// <param name="connectListener">Added as a once <c>"connect"</c> listener.</param>
    /// <returns>The socket.</returns>
    public static Socket Connect(SocketConnectOptions options, Action? connectListener = null)
    {
        var o = options ?? throw ConnectErrors.MissingArgs();
        var socket = new Socket(new SocketOptions
        {
            AllowHalfOpen = o.AllowHalfOpen,
            NoDelay = o.NoDelay,
            KeepAlive = o.KeepAlive,
            KeepAliveInitialDelay = o.KeepAliveInitialDelay,
            Loop = o.Loop,
        });
        return socket.Connect(o, connectListener);
    }

    /// <summary>Same as <see cref="Connect(int, string?, Action?)"/>.</summary>
    /// <param name="port">0–65535.</param>
    /// <param name="host">Host name or IP.</param>
    /// <param name="connectListener">Added as a once <c>"connect"</c> listener.</param>
    /// <returns>The socket.</returns>
    public static Socket CreateConnection(int port, string? host = null, Action? connectListener = null) => Connect(port, host, connectListener);

    /// <summary>Same as <see cref="Connect(string, Action?)"/>.</summary>
    /// <param name="path">The socket path.</param>
    /// <param name="connectListener">Added as a once <c>"connect"</c> listener.</param>
    /// <returns>The socket.</returns>
    public static Socket CreateConnection(string path, Action? connectListener = null) => Connect(path, connectListener);

    /// <summary>Same as <see cref="Connect(SocketConnectOptions, Action?)"/>.</summary>
    /// <param name="options">Where and how to connect.</param>
    /// <param name="connectListener">Added as a once <c>"connect"</c> listener.</param>
    /// <returns>The socket.</returns>
    public static Socket CreateConnection(SocketConnectOptions options, Action? connectListener = null) => Connect(options, connectListener);

    /// <summary>Node's <c>net.getDefaultAutoSelectFamily()</c>: true unless changed, as Node ≥ 20.</summary>
    /// <returns>The process-wide default.</returns>
    public static bool GetDefaultAutoSelectFamily() => s_autoSelectFamily;

    /// <summary>Node's <c>net.setDefaultAutoSelectFamily(value)</c>.</summary>
    /// <param name="value">The new default for <see cref="SocketConnectOptions.AutoSelectFamily"/>.</param>
    public static void SetDefaultAutoSelectFamily(bool value) => s_autoSelectFamily = value;

    /// <summary>Node's <c>net.getDefaultAutoSelectFamilyAttemptTimeout()</c>: 250 ms unless changed.</summary>
    /// <returns>The process-wide default, in ms.</returns>
    public static int GetDefaultAutoSelectFamilyAttemptTimeout() => s_autoSelectFamilyAttemptTimeout;

    /// <summary>Node's <c>net.setDefaultAutoSelectFamilyAttemptTimeout(value)</c>: at least 1 (<c>ERR_OUT_OF_RANGE</c> otherwise); below 10 means 10.</summary>
    /// <param name="value">Milliseconds.</param>
    public static void SetDefaultAutoSelectFamilyAttemptTimeout(int value)
    {
        if (value < 1)
        {
            throw NodeErrors.OutOfRange("value", ">= 1 && <= 2147483647", value);
        }
        s_autoSelectFamilyAttemptTimeout = Math.Max(10, value);
    }

    /// <summary>Node's <c>net.isIP(input)</c>: 4 for a dotted-quad IPv4 address, 6 for an IPv6 address, else 0.</summary>
    /// <param name="input">The text to test.</param>
    /// <returns>4, 6 or 0.</returns>
    public static int IsIP(string? input) => IsIPv4(input) ? 4 : IsIPv6(input) ? 6 : 0;

    /// <summary>Node's <c>net.isIPv4(input)</c>: four decimal octets, no leading zeros (stricter than <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>).</summary>
    /// <param name="input">The text to test.</param>
    /// <returns>Whether it is an IPv4 address.</returns>
    public static bool IsIPv4(string? input) => input is not null && Ipv4().IsMatch(input);

    /// <summary>Node's <c>net.isIPv6(input)</c>: an IPv6 address, optionally with a zone (<c>fe80::1%eth0</c>).</summary>
    /// <param name="input">The text to test.</param>
    /// <returns>Whether it is an IPv6 address.</returns>
    public static bool IsIPv6(string? input)
    {
        if (input is null || !input.Contains(':', StringComparison.Ordinal) || input.Contains('[', StringComparison.Ordinal))
        {
            return false;
        }
        var zone = input.IndexOf('%', StringComparison.Ordinal);
        if (zone == 0 || zone == input.Length - 1)
        {
            return false;
        }
        var address = zone > 0 ? input[..zone] : input;
        if (!IPAddress.TryParse(address, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }
        // An embedded IPv4 tail must itself be canonical (Node's grammar), which TryParse does not check.
        var lastColon = address.LastIndexOf(':');
        var tail = address[(lastColon + 1)..];
        return !tail.Contains('.', StringComparison.Ordinal) || IsIPv4(tail);
    }

    [GeneratedRegex(@"^((25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4();
}
