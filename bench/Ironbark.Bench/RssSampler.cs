namespace Ironbark.Bench;

/// <summary>Samples a process's RSS every few milliseconds while a workload runs and keeps the highest value.</summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssSampler(int pid, TimeSpan interval)
    {
        _pid = pid;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            do
                Sample();
            while (await Tick(timer));
        });
    }

    public long MaxRss { get; private set; }
    public int Samples { get; private set; }

    /// <summary>Stops sampling and returns the highest of the sampled RSS and the kernel's own peak (VmHWM).</summary>
    public async Task<long> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Sample();
        return Math.Max(MaxRss, ProcessMemory.Read(_pid).Peak);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await StopAsync();
        _stop.Dispose();
    }

    private async Task<bool> Tick(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Sample()
    {
        MaxRss = Math.Max(MaxRss, ProcessMemory.Read(_pid).Rss);
        Samples++;
    }
}
