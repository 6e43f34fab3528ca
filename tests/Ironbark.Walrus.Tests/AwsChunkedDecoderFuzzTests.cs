using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using Ironbark.Common.Auth;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// A bounded fuzz run (fixed seed, a few thousand cases, in memory) of the aws-chunked decoder: every broken body is
/// refused with an AWS error (never another exception, which the server would answer with a 500), a signed body is
/// never accepted altered, and a line that never ends is refused after a small, bounded read.
/// </summary>
public sealed class AwsChunkedDecoderFuzzTests
{
    private const int Seed = 20261203;
    private const int Cases = 4000;
    private const string AmzDate = "20261203T101500Z";
    private const string Scope = "20261203/ironbark/s3/aws4_request";
    private const string SeedSignature = "5f1f4fb6fd4c8d7a2e0bd1c0f5bb9b56a4e7b0a3d2d6f6e1c9a8b7c6d5e4f3a2";
    private static readonly byte[] SigningKey = SHA256.HashData("fuzz signing key"u8);

    [Fact]
    public async Task Broken_bodies_are_refused_with_an_AWS_error_and_a_signed_one_is_never_accepted_altered()
    {
        var random = new Random(Seed);
        int accepted = 0, refused = 0;
        for (var i = 0; i < Cases; i++)
        {
            var signed = random.Next(2) == 0;
            var trailer = random.Next(2) == 0;
            var chunkSize = random.Next(1, 4) == 1 ? random.Next(1, 64) : random.Next(64, 9000);
            var data = new byte[random.Next(0, 20000)];
            random.NextBytes(data);
            var trailers = trailer ? new[] { ("x-amz-checksum-crc32", Convert.ToBase64String(Crc32.Hash(data))) } : [];
            var writer = new ChunkSigner(SigningKey, AmzDate, Scope, SeedSignature);
            var body = ChunkedBody.Of(data, chunkSize, signed ? c => writer.NextChunk(Convert.ToHexStringLower(SHA256.HashData(c))) : null,
                trailers, signed && trailer ? writer.Trailer : null);
            var control = i % 10 == 0;
            var (bytes, what, giant) = control ? (body.ToArray(), "none", false) : ChunkedBodyFuzzer.Mutate(body, random);
            var declared = !control && random.Next(20) == 0 ? data.Length + random.Next(-2, 3) : data.Length;
            var described = $"case {i} (signed {signed}, trailer {trailer}, chunk {chunkSize}, length {data.Length}, declared {declared}, mutations {what})";

            var input = new CountingStream(bytes);
            var output = new MemoryStream();
            try
            {
                await using var decoder = new AwsChunkedStream(input, signed ? new ChunkSigner(SigningKey, AmzDate, Scope, SeedSignature) : null, declared, trailer);
                var buffer = new byte[random.Next(1, 70000)];
                int read;
                while ((read = await decoder.ReadAsync(buffer)) > 0)
                    output.Write(buffer, 0, read);
                accepted++;
                Assert.False(giant, $"{described}: a line that never ends was accepted");
                Assert.Equal(declared, output.Length);
                if (signed)
                {
                    Assert.True(data.AsSpan().SequenceEqual(output.ToArray()), $"{described}: signed data accepted altered");
                    if (trailer)
                        Assert.Equal(trailers.ToDictionary(t => t.Item1, t => t.Item2), decoder.Trailers);
                }
            }
            catch (AuthException e)
            {
                refused++;
                Assert.True(control is false, $"{described}: a well-formed body was refused: {e.Code} {e.Message}");
                Assert.True(e.StatusCode is 400 or 403, $"{described}: {e.Code} answered {e.StatusCode}");
                if (giant)
                    Assert.True(input.Consumed <= bytes.Length - ChunkedBodyFuzzer.GiantLineBytes + 4096 + 2 * 65536,
                        $"{described}: read {input.Consumed} bytes of a line that never ends");
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"{described}: {e.GetType().Name}: {e.Message}");
            }
        }
        // The run means something only if both outcomes occur often.
        Assert.True(accepted > Cases / 10 && refused > Cases / 2, $"accepted {accepted}, refused {refused}");
    }

    /// <summary>An in-memory body that counts how much of it the decoder has read.</summary>
    private sealed class CountingStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public long Consumed => Position;
    }
}
