using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Ironbark.Walrus.Api;

/// <summary>
/// What is left of a request body when Walrus answers with an error before reading it. Left on a keep-alive
/// connection it would be parsed as the next request; a small remainder is read and dropped, otherwise the
/// answer says Connection: close.
/// </summary>
public static class UnreadRequestBody
{
    public const int MaxDrainBytes = 1024 * 1024;
    public static readonly TimeSpan MaxDrainTime = TimeSpan.FromSeconds(2);

    /// <summary>Drains a bounded remainder; false when the connection must close instead.</summary>
    public static async Task<bool> DrainAsync(HttpContext http)
    {
        if (http.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
            return true;
        // A client waiting for 100 Continue has not sent its body: asking for it only to drop it wastes its upload.
        if (http.Request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase))
            return false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(MaxDrainTime);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long drained = 0;
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer, timeout.Token)) > 0)
                if ((drained += read) > MaxDrainBytes)
                    return false;
            return true;
        }
        catch (Exception)
        {
            // Whatever stops the drain (the time bound, a broken or malformed body), closing is the safe answer.
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
