using System.Runtime.InteropServices;

namespace Ironbark.Commands;

/// <summary>A token cancelled by Ctrl-C or SIGTERM, for a graceful stop of the services in the foreground.</summary>
public sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration _term;
    private readonly PosixSignalRegistration _int;

    public ShutdownSignal()
    {
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        _int = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    }

    public CancellationToken Token => _cts.Token;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _cts.Cancel();
    }

    public async Task WaitAsync()
    {
        try
        {
            await Task.Delay(Timeout.Infinite, _cts.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _term.Dispose();
        _int.Dispose();
        _cts.Dispose();
    }
}
