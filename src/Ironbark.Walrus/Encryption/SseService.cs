using System.Security.Cryptography;
using Ironbark.Common.Auth;
using Ironbark.Common.Keys;
using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Encryption;

/// <summary>
/// Server-side encryption: which encryption a write gets (its headers, else the bucket's default), a data key for it
/// (wrapped by the master key, the key service or the customer key), and the keys to read an object back.
/// </summary>
public sealed class SseService(MasterKey master, WalrusOptions options, IKeyService? keys = null)
{
    /// <summary>The key S3 uses for SSE-KMS when the request names none: the account's AWS managed key for S3.</summary>
    public const string DefaultKmsKey = "alias/aws/s3";

    /// <summary>Whether an SSE-C key may come over plain HTTP on this listener (see <see cref="WalrusOptions.SseCustomerKeyRequiresTls"/>).</summary>
    public bool RequireTlsForCustomerKeys => options.SseCustomerKeyRequiresTls ?? !IsLoopback(options.Url);

    /// <summary>
    /// The encryption settings of a new object (or upload) from what the request asked, else the bucket's default;
    /// null when neither says encrypt.
    /// </summary>
    public ObjectEncryption? Choose(SseRequest asked, BucketRow bucket, string key, Caller caller)
    {
        if (asked.SaysNothing && BucketEncryption.FromJson(bucket.Encryption) is { } defaults)
            asked = defaults.AsRequest() with { BucketKey = asked.BucketKey ?? defaults.BucketKeyEnabled };
        if (asked.CustomerKey is { } customer)
        {
            var salt = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            return new ObjectEncryption
            {
                Mode = ObjectEncryption.SseC, CustomerKeyMd5 = customer.Md5, CustomerKeySalt = salt, CustomerKeyHmac = customer.Hmac(salt),
            };
        }
        return asked.Mode switch
        {
            ObjectEncryption.SseS3 => new ObjectEncryption { Mode = ObjectEncryption.SseS3, BucketKeyEnabled = asked.BucketKey ?? false },
            ObjectEncryption.SseKms => new ObjectEncryption
            {
                Mode = ObjectEncryption.SseKms,
                KmsKeyArn = asked.KmsKeyId ?? DefaultKmsKey,
                KmsAccount = caller.Account?.Id ?? bucket.OwnerId,
                BucketKeyEnabled = asked.BucketKey ?? false,
                KmsContext = KmsContext(asked, bucket.Name, key),
            },
            _ => null,
        };
    }

    /// <summary>S3's context is the object's ARN (the bucket's with a bucket key) plus the pairs the request added.</summary>
    private static Dictionary<string, string> KmsContext(SseRequest asked, string bucket, string key)
    {
        var context = new Dictionary<string, string>(asked.Context ?? []);
        context["aws:s3:arn"] = asked.BucketKey == true ? $"arn:aws:s3:::{bucket}" : $"arn:aws:s3:::{bucket}/{key}";
        return context;
    }

    /// <summary>A fresh data key under <paramref name="settings"/>, for one object or one part.</summary>
    public async Task<EncryptionPlan> PlanAsync(ObjectEncryption settings, CustomerKey? customer, CancellationToken ct)
    {
        switch (settings.Mode)
        {
            case ObjectEncryption.SseS3:
            {
                var dataKey = RandomNumberGenerator.GetBytes(ChunkedAesGcm.KeySize);
                return new EncryptionPlan(settings, dataKey, master.Wrap(dataKey));
            }
            case ObjectEncryption.SseC:
            {
                var key = customer ?? throw SseErrors.UploadNeedsCustomerKey();
                var dataKey = RandomNumberGenerator.GetBytes(ChunkedAesGcm.KeySize);
                return new EncryptionPlan(settings, dataKey, WrapWith(key.Key, dataKey));
            }
            default:
            {
                var service = keys ?? throw SseErrors.KeyServiceUnavailable();
                DataKey made;
                try
                {
                    made = await service.GenerateDataKeyAsync(settings.KmsAccount!, settings.KmsKeyArn!, settings.KmsContext ?? [], ct);
                }
                catch (KeyServiceException e)
                {
                    throw SseErrors.FromKeyService(e, settings.KmsKeyArn);
                }
                if (made.Plaintext.Length != ChunkedAesGcm.KeySize)
                    throw new InvalidOperationException($"The key service made a {made.Plaintext.Length}-byte data key, not a 32-byte one.");
                return new EncryptionPlan(settings with { KmsKeyArn = made.KeyArn }, made.Plaintext, Convert.ToBase64String(made.CiphertextBlob));
            }
        }
    }

    /// <summary>
    /// Checks the SSE-C key a read (GET, HEAD, copy source) sent against the object, as S3 does: required for an SSE-C
    /// object and then the same key, refused for any other object.
    /// </summary>
    public static void CheckReadKey(ObjectEncryption? encryption, CustomerKey? key)
    {
        if (encryption?.Mode == ObjectEncryption.SseC)
        {
            if (key is null)
                throw SseErrors.CustomerKeyRequired();
            if (!key.Matches(encryption))
                throw SseErrors.CustomerKeyWrong();
        }
        else if (key is not null)
            throw SseErrors.CustomerKeyNotApplicable();
    }

    /// <summary>The plaintext of an object's stored bytes: <paramref name="stored"/> itself when it is not encrypted.</summary>
    public async Task<Stream> OpenAsync(Stream stored, string? encryptionJson, CustomerKey? customer, CancellationToken ct)
    {
        if (ObjectEncryption.FromJson(encryptionJson) is not { } encryption)
            return stored;
        try
        {
            CheckReadKey(encryption, customer);
            var dataKeys = new List<byte[]>();
            foreach (var segment in encryption.Segments)
                dataKeys.Add(await UnwrapAsync(encryption, segment, customer, ct));
            return new DecryptingStream(stored, encryption.Segments, dataKeys);
        }
        catch
        {
            await stored.DisposeAsync();
            throw;
        }
    }

    private async Task<byte[]> UnwrapAsync(ObjectEncryption encryption, DataKeySegment segment, CustomerKey? customer, CancellationToken ct)
    {
        switch (encryption.Mode)
        {
            case ObjectEncryption.SseS3:
                return master.Unwrap(segment.WrappedKey);
            case ObjectEncryption.SseC:
                return UnwrapWith(customer!.Key, segment.WrappedKey) ?? throw SseErrors.CustomerKeyWrong();
            default:
                var service = keys ?? throw SseErrors.KeyServiceUnavailable();
                try
                {
                    return (await service.DecryptAsync(encryption.KmsAccount!, Convert.FromBase64String(segment.WrappedKey), encryption.KmsContext ?? [], ct)).Plaintext;
                }
                catch (KeyServiceException e)
                {
                    throw SseErrors.FromKeyService(e, encryption.KmsKeyArn);
                }
        }
    }

    private static string WrapWith(byte[] key, byte[] dataKey)
    {
        var output = new byte[12 + dataKey.Length + 16];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(output.AsSpan(0, 12), dataKey, output.AsSpan(12, dataKey.Length), output.AsSpan(12 + dataKey.Length));
        return Convert.ToBase64String(output);
    }

    private static byte[]? UnwrapWith(byte[] key, string wrapped)
    {
        var input = Convert.FromBase64String(wrapped);
        var dataKey = new byte[input.Length - 28];
        using var aes = new AesGcm(key, 16);
        try
        {
            aes.Decrypt(input.AsSpan(0, 12), input.AsSpan(12, dataKey.Length), input.AsSpan(12 + dataKey.Length), dataKey);
            return dataKey;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri))
            return false;
        return uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
    }
}
