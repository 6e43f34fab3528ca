using Amazon.Runtime;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// An HttpClient factory for the SDK that notes the x-amz-content-sha256 of every request, so a
/// test can tell which payload mode (signed, streaming, trailer) the SDK really used.
/// </summary>
public sealed class PayloadModeRecorder : HttpClientFactory
{
    public List<string> Modes { get; } = [];

    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new Recorder(this) { InnerHandler = new HttpClientHandler() });

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    private sealed class Recorder(PayloadModeRecorder owner) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValues("x-amz-content-sha256", out var values))
                lock (owner.Modes)
                    owner.Modes.Add(values.Single());
            return base.SendAsync(request, cancellationToken);
        }
    }
}
