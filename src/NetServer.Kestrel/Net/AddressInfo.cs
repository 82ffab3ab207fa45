using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NetServer;

/// <summary>Node's address object: <c>{ address: '127.0.0.1', family: 'IPv4', port: 12346 }</c>.</summary>
/// <param name="Address">The IP address as text (IPv4-mapped IPv6 addresses print as <c>::ffff:a.b.c.d</c>).</param>
/// <param name="Family"><c>"IPv4"</c> or <c>"IPv6"</c>.</param>
/// <param name="Port">The port.</param>
public sealed record AddressInfo(string Address, string Family, int Port)
{
    /// <summary>Prints like Node's <c>util.inspect</c>: <c>{ address: '::', family: 'IPv6', port: 8080 }</c>.</summary>
    public override string ToString() =>
        $"{{ address: '{Address}', family: '{Family}', port: {Port.ToString(CultureInfo.InvariantCulture)} }}";

    internal static AddressInfo? From(EndPoint? endPoint) =>
        endPoint is IPEndPoint ip ? new AddressInfo(FormatAddress(ip.Address), FamilyOf(ip.Address), ip.Port) : null;

    internal static string FamilyOf(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";

    internal static string FormatAddress(IPAddress address) => address.ToString();
}
