namespace Ironbark.Bench.Scale;

/// <summary>Call durations of one kind, in milliseconds, with percentiles interpolated linearly between ranks.</summary>
public sealed class Latencies
{
    private readonly List<double> _ms = [];

    public int Count => _ms.Count;

    public void Add(TimeSpan duration) => _ms.Add(duration.TotalMilliseconds);

    public double Percentile(double p)
    {
        if (_ms.Count == 0)
            return double.NaN;
        var sorted = _ms.Order().ToList();
        var rank = p / 100 * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (rank - low) * (sorted[high] - sorted[low]);
    }

    public double Mean => _ms.Count == 0 ? double.NaN : _ms.Average();
    public double Max => _ms.Count == 0 ? double.NaN : _ms.Max();
}
