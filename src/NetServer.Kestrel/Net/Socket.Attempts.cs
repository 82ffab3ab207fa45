using System.Net;
using System.Net.Sockets;
using NetServer.Internal;
using RawSocket = System.Net.Sockets.Socket;

namespace NetServer;

/// <summary>
/// The connect attempts (lib/net.js internalConnect and internalConnectMultiple): one address, or
/// family selection's interleaved list with an attempt timeout for each but the last.
/// </summary>
public sealed partial class Socket
{
    /// <summary>Node's internalConnectMultiple: one address after another, each but the last cut off after the attempt timeout.</summary>
    private async Task ConnectMultipleAsync(List<IPAddress> toAttempt, int port, SocketConnectOptions o, CancellationToken cancel)
    {
        var attemptTimeout = Math.Max(10, o.AutoSelectFamilyAttemptTimeout ?? Net.GetDefaultAutoSelectFamilyAttemptTimeout());
        lock (Sync)
        {
            _client!.AttemptedAddresses = [];
        }
        var errors = new List<Exception>();
        for (var i = 0; i < toAttempt.Count; i++)
        {
            var address = toAttempt[i];
            var ip = AddressInfo.FormatAddress(address);
            lock (Sync)
            {
                _client!.AttemptedAddresses!.Add($"{ip}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }
            var last = i == toAttempt.Count - 1;
            var outcome = await ConnectOneAsync(new IPEndPoint(address, port), ip, port, FamilyOf(address), o, last ? null : attemptTimeout, errors, cancel);
            if (outcome != AttemptOutcome.Failed)
            {
                return;
            }
        }
        if (StillConnecting(cancel))
        {
            Destroy(new NodeAggregateError(errors));
        }
    }

    private enum AttemptOutcome
    {
        Connected,
        Failed,
        Abandoned,
    }

    /// <summary>
    /// One attempt (Node's internalConnect and its afterConnect). Without <paramref name="failures"/> it is
    /// the only attempt and a failure destroys the socket; with it, the failure is collected and the
    /// caller goes on (a timed-out attempt counts as failed but adds no error, as in Node).
    /// </summary>
    private async Task<AttemptOutcome> ConnectOneAsync(
        EndPoint endPoint, string address, int? port, int family, SocketConnectOptions o,
        int? attemptTimeoutMs, List<Exception>? failures, CancellationToken cancel)
    {
        var isTcp = family != 0;
        var raw = isTcp
            ? new RawSocket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new RawSocket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        if (isTcp)
        {
            Emit("connectionAttempt", address, port!.Value, family);
        }
        using var attempt = attemptTimeoutMs is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (attemptTimeoutMs is { } ms)
        {
            attempt!.CancelAfter(ms);
        }
        try
        {
            if (o.LocalAddress is not null || o.LocalPort is > 0)
            {
                var local = o.LocalAddress is { } la ? IPAddress.Parse(la) : (endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any);
                raw.Bind(new IPEndPoint(local, o.LocalPort ?? 0));
            }
            await raw.ConnectAsync(endPoint, attempt?.Token ?? cancel);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested && attempt is not null)
        {
            raw.Dispose();
            if (!StillConnecting(cancel))
            {
                return AttemptOutcome.Abandoned;
            }
            Emit("connectionAttemptTimeout", address, port!.Value, family);
            return AttemptOutcome.Failed;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            raw.Dispose();
            if (!StillConnecting(cancel))
            {
                return AttemptOutcome.Abandoned;
            }
            var error = ConnectErrors.Connect(ex, address, port);
            if (failures is null)
            {
                // Node's afterConnect: the only attempt failed, so the socket stops connecting first.
                lock (Sync)
                {
                    EndConnectingLocked();
                }
            }
            Emit("connectionAttemptFailed", address, port, isTcp ? family : null, error);
            if (failures is null)
            {
                Destroy(error);
            }
            else
            {
                failures.Add(error);
            }
            return AttemptOutcome.Failed;
        }
        if (!StillConnecting(cancel))
        {
            raw.Dispose();
            return AttemptOutcome.Abandoned;
        }
        AfterConnect(raw);
        return AttemptOutcome.Connected;
    }

    /// <summary>Node's order for family selection: the first address's family first, then the families alternate.</summary>
    private static List<IPAddress> Interleave(IPAddress[] addresses)
    {
        var firstFamily = addresses[0].AddressFamily;
        List<IPAddress> first = [];
        List<IPAddress> second = [];
        foreach (var a in addresses)
        {
            var list = a.AddressFamily == firstFamily ? first : second;
            if (!list.Contains(a))
            {
                list.Add(a);
            }
        }
        var result = new List<IPAddress>(first.Count + second.Count);
        for (var i = 0; i < Math.Max(first.Count, second.Count); i++)
        {
            if (i < first.Count)
            {
                result.Add(first[i]);
            }
            if (i < second.Count)
            {
                result.Add(second[i]);
            }
        }
        return result;
    }

    private static AddressFamily FamilyFilter(int family) => family switch
    {
        4 => AddressFamily.InterNetwork,
        6 => AddressFamily.InterNetworkV6,
        _ => AddressFamily.Unspecified,
    };

    private static int FamilyOf(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? 6 : 4;
}
