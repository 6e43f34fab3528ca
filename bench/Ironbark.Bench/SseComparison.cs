using System.Diagnostics;
using System.Globalization;

namespace Ironbark.Bench;

/// <summary>Throughput of plain and SSE-S3 64 MiB objects on Walrus, in MiB/s, and SSE-S3's share of plain.</summary>
public sealed record SseResult(double PlainPut, double SsePut, double PlainGet, double SseGet)
{
    public double PutRatio => SsePut / PlainPut;
    public double GetRatio => SseGet / PlainGet;
}

/// <summary>
/// SSE-S3 against unencrypted objects on the same Walrus, in the same run: one client PUTs and then GETs 64 MiB
/// objects, plain and encrypted alternately, so both see the same machine and the same background load.
/// </summary>
public sealed class SseComparison(S3Target walrus, int iterations, TextWriter log)
{
    private const long Size = 64L * 1024 * 1024;
    private const string Bucket = "bench-sse";
    private static readonly IReadOnlyDictionary<string, string> Plain = new Dictionary<string, string>();
    private static readonly IReadOnlyDictionary<string, string> SseS3 = new Dictionary<string, string> { ["x-amz-server-side-encryption"] = "AES256" };

    public async Task<SseResult> RunAsync(CancellationToken ct)
    {
        await walrus.CreateBucketAsync(Bucket, ct);
        var buffer = new byte[1024 * 1024];
        // One of each first, unmeasured: connections and the JIT are warm for both.
        await walrus.PutAsync(Bucket, "warm-plain", Size, Plain, ct);
        await walrus.PutAsync(Bucket, "warm-sse", Size, SseS3, ct);
        await walrus.GetAsync(Bucket, "warm-sse", buffer, ct);
        var put = new TimeSpan[2];
        var get = new TimeSpan[2];
        for (var i = 0; i < iterations; i++)
            for (var mode = 0; mode < 2; mode++)
                put[mode] += await TimeAsync(() => walrus.PutAsync(Bucket, Key(mode, i), Size, mode == 0 ? Plain : SseS3, ct));
        for (var i = 0; i < iterations; i++)
            for (var mode = 0; mode < 2; mode++)
                get[mode] += await TimeAsync(async () =>
                {
                    if (await walrus.GetAsync(Bucket, Key(mode, i), buffer, ct) != Size)
                        throw new InvalidOperationException($"GET {Key(mode, i)} did not return {Size} bytes.");
                });
        for (var i = 0; i < iterations; i++)
            for (var mode = 0; mode < 2; mode++)
                await walrus.DeleteAsync(Bucket, Key(mode, i), ct);
        await walrus.DeleteAsync(Bucket, "warm-plain", ct);
        await walrus.DeleteAsync(Bucket, "warm-sse", ct);
        double MiBps(TimeSpan t) => iterations * Size / 1048576.0 / t.TotalSeconds;
        var result = new SseResult(MiBps(put[0]), MiBps(put[1]), MiBps(get[0]), MiBps(get[1]));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  Sse       Walrus    64 MiB × {iterations}, 1 client: PUT plain {result.PlainPut:F1} MiB/s, SSE-S3 {result.SsePut:F1} MiB/s (ratio {result.PutRatio:F2}); GET plain {result.PlainGet:F1} MiB/s, SSE-S3 {result.SseGet:F1} MiB/s (ratio {result.GetRatio:F2})"));
        return result;
    }

    private static string Key(int mode, int i) => $"{(mode == 0 ? "plain" : "sse")}-{i}";

    private static async Task<TimeSpan> TimeAsync(Func<Task> operation)
    {
        var clock = Stopwatch.StartNew();
        await operation();
        return clock.Elapsed;
    }
}
