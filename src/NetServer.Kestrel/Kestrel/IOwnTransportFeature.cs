namespace NetServer.Kestrel;

/// <summary>
/// Marks a connection accepted by our own <see cref="TransportListener"/>, whose output pipe
/// resumes only when empty (see <see cref="TransportFactory.WriteBufferDrainThreshold"/>): the socket
/// may then half-close with <c>shutdown(SHUT_WR)</c> as soon as its last flush completes.
/// </summary>
internal interface IOwnTransportFeature
{
}

/// <summary>The one instance of <see cref="IOwnTransportFeature"/>.</summary>
internal sealed class OwnTransportFeature : IOwnTransportFeature
{
    public static readonly OwnTransportFeature Instance = new();
}
