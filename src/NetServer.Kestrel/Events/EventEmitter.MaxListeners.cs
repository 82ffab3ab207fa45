using NetServer.Events;
using NetServer.Internal;

namespace NetServer;

/// <summary>Node's listener-leak warning: <c>MaxListenersExceededWarning</c> past a threshold per event.</summary>
public partial class EventEmitter
{
    /// <summary>Node's <c>EventEmitter.defaultMaxListeners</c> (10): the leak-warning threshold for new emitters.</summary>
    public static int DefaultMaxListeners
    {
        get => Volatile.Read(ref s_defaultMaxListeners);
        set
        {
            if (value < 0)
            {
                throw NodeErrors.OutOfRange("defaultMaxListeners", ">= 0", value);
            }
            Volatile.Write(ref s_defaultMaxListeners, value);
        }
    }

    /// <summary>Sets the leak-warning threshold for this emitter (0 = unlimited).</summary>
    /// <param name="n">A non-negative number.</param>
    /// <returns>This emitter.</returns>
    public EventEmitter SetMaxListeners(int n)
    {
        if (n < 0)
        {
            throw NodeErrors.OutOfRange("setMaxListeners", ">= 0", n);
        }
        _maxListeners = n;
        return this;
    }

    /// <summary>The leak-warning threshold (Node's <c>getMaxListeners</c>).</summary>
    /// <returns>The threshold; 0 means unlimited.</returns>
    public int GetMaxListeners() => _maxListeners < 0 ? DefaultMaxListeners : _maxListeners;

    /// <summary>
    /// Reports a leak warning as Node does, with <c>"warning"</c> on the loop, a tick later: the
    /// emitter's own loop for a server or socket, else the loop running the code that added the
    /// listener, else <see cref="EventLoop.Default"/>.
    /// </summary>
    private void WarnMaxListeners(string eventName, int count, int max)
    {
        var loop = this switch
        {
            EventLoop own => own,
            Server server => server.Loop,
            Socket socket => socket.Loop,
            _ => null,
        };
        // A server's loop is null only while its constructor runs, before it could have 11 listeners.
        (loop ?? EventLoop.Running ?? EventLoop.Default).EmitWarning(new MaxListenersExceededWarning(this, eventName, count, max));
    }
}
