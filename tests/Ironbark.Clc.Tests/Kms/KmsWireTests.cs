using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ironbark.Clc.Identity;
using Ironbark.Common.Auth;

namespace Ironbark.Clc.Tests.Kms;

/// <summary>The KMS wire format with hand-signed requests: what an SDK never sends (unknown targets, bad JSON) is refused with KMS's type.</summary>
public abstract class KmsWireTests(KmsFixture f)
{
    [Fact]
    public async Task An_unknown_target_is_refused_and_never_reaches_another_operation()
    {
        var before = (await f.Keys.ListKeysAsync(f.Alice.Id, CancellationToken.None)).Count;
        foreach (var target in new[] { "TrentService.ScheduleKeyDeletion", "TrentService.createkey", "TrentService.", "Foo.CreateKey" })
        {
            var (status, type) = await SendAsync(f.AliceKey, target, "{}");
            Assert.Equal((400, "UnknownOperationException"), (status, type));
        }
        Assert.Equal(before, (await f.Keys.ListKeysAsync(f.Alice.Id, CancellationToken.None)).Count);
    }

    [Theory]
    [InlineData("not json", "SerializationException")]
    [InlineData("[1]", "SerializationException")]
    [InlineData("{\"KeyId\": 5}", "SerializationException")]
    [InlineData("{}", "ValidationException")]
    [InlineData("{\"KeyId\": \"alias/aws/s3\", \"NumberOfBytes\": 0}", "ValidationException")]
    [InlineData("{\"KeyId\": \"alias/aws/s3\", \"KeySpec\": \"AES_512\"}", "ValidationException")]
    [InlineData("{\"KeyId\": \"alias/aws/s3\", \"KeySpec\": \"AES_256\", \"EncryptionContext\": {\"a\": 1}}", "SerializationException")]
    public async Task A_body_KMS_would_not_take_is_refused_with_its_type(string body, string type)
    {
        Assert.Equal((400, type), await SendAsync(f.AliceKey, "TrentService.GenerateDataKey", body));
    }

    [Fact]
    public async Task Unsigned_and_wrongly_signed_requests_are_refused()
    {
        using var http = new HttpClient();
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, f.Server.Endpoint) { Content = Json("{}") };
        unsigned.Headers.Add("X-Amz-Target", "TrentService.ListKeys");
        var answer = await http.SendAsync(unsigned);
        Assert.Equal((400, "MissingAuthenticationTokenException"), ((int)answer.StatusCode, Type(await answer.Content.ReadAsStringAsync())));
        var wrong = new AccessKey(f.AliceKey.AccessKeyId, "not-the-secret", f.Alice.Id, true, 0);
        Assert.Equal((400, "InvalidSignatureException"), await SendAsync(wrong, "TrentService.ListKeys", "{}"));
    }

    private async Task<(int Status, string? Type)> SendAsync(AccessKey key, string target, string body)
    {
        var endpoint = f.Server.Endpoint;
        var amzDate = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var scope = $"{amzDate[..8]}/ironbark/kms/aws4_request";
        const string contentType = "application/x-amz-json-1.1";
        var headers = $"content-type:{contentType}\nhost:{endpoint.Authority}\nx-amz-date:{amzDate}\nx-amz-target:{target}\n";
        const string signed = "content-type;host;x-amz-date;x-amz-target";
        var canonical = $"POST\n/\n\n{headers}\n{signed}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))}";
        var signature = SigV4.Sign(SigV4.SigningKey(key.SecretAccessKey, amzDate[..8], "ironbark", "kms"), SigV4.StringToSign(amzDate, scope, canonical));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = Json(body) };
        request.Headers.Add("X-Amz-Date", amzDate);
        request.Headers.Add("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={key.AccessKeyId}/{scope}, SignedHeaders={signed}, Signature={signature}");
        var answer = await http.SendAsync(request);
        Assert.Equal("application/x-amz-json-1.1", answer.Content.Headers.ContentType?.MediaType);
        return ((int)answer.StatusCode, Type(await answer.Content.ReadAsStringAsync()));
    }

    private static StringContent Json(string body)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        return content;
    }

    private static string? Type(string json) => JsonDocument.Parse(json).RootElement.TryGetProperty("__type", out var type) ? type.GetString() : null;
}

[Collection(SqliteKms.Name)]
public sealed class SqliteKmsWireTests(SqliteKmsFixture f) : KmsWireTests(f);

[Collection(PostgresKms.Name)]
public sealed class PostgresKmsWireTests(PostgresKmsFixture f) : KmsWireTests(f);
