using System.Text.Json;
using Ironbark.Walrus.Api;

namespace Ironbark.Walrus.Tests;

/// <summary>The route table against the S3 API's own model, as the Debian botocore (python3-boto3, installed by scripts/setup) ships it.</summary>
public sealed class S3RouteTableTests
{
    private const string BotocoreModel = "/usr/lib/python3/dist-packages/botocore/data/s3/2006-03-01/service-2.json";

    [Fact]
    public void Every_bucket_and_object_operation_of_the_S3_model_has_a_route()
    {
        using var model = JsonDocument.Parse(File.ReadAllText(BotocoreModel));
        var missing = new List<string>();
        foreach (var operation in model.RootElement.GetProperty("operations").EnumerateObject())
        {
            var http = operation.Value.GetProperty("http");
            var uri = http.GetProperty("requestUri").GetString()!;
            if (!uri.Contains("{Bucket}", StringComparison.Ordinal))
                continue;
            var target = uri.Contains("{Key+}", StringComparison.Ordinal) ? S3Target.Object : S3Target.Bucket;
            var query = uri.Contains('?') ? uri[(uri.IndexOf('?') + 1)..] : "";
            var selector = query.Split('&').Select(p => p.Split('=')[0]).FirstOrDefault(S3Subresources.Selectors.Contains)
                ?? (UsesUploadId(model.RootElement, operation.Value) ? "uploadId" : "");
            var method = http.GetProperty("method").GetString()!;
            if (!S3Routes.All.Any(r => r.Target == target && r.Method == method && r.Selector == selector))
                missing.Add($"{operation.Name}: {method} {target} ?{selector}");
        }
        Assert.True(missing.Count == 0, "operations without a route:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void Every_sub_resource_of_the_S3_model_is_known_to_the_query_parser()
    {
        using var model = JsonDocument.Parse(File.ReadAllText(BotocoreModel));
        var names = model.RootElement.GetProperty("operations").EnumerateObject()
            .Select(o => o.Value.GetProperty("http").GetProperty("requestUri").GetString()!)
            .Where(u => u.Contains('?')).SelectMany(u => u[(u.IndexOf('?') + 1)..].Split('&').Select(p => p.Split('=')[0]))
            .Where(n => n != "x-id").Distinct();
        Assert.Equal([], names.Where(n => !S3Subresources.IsKnown(n)).ToList());
        Assert.Empty(SubresourceRoutingTests.AwsSubresources.Except(S3Subresources.Selectors));
        Assert.Empty(S3Subresources.Selectors.Except(SubresourceRoutingTests.AwsSubresources));
    }

    /// <summary>SigV2 signs only the sub-resources in its list: an operation Walrus performs must be selected by one it signs.</summary>
    [Fact]
    public void Every_served_operation_is_selected_by_a_sub_resource_SigV2_signs()
    {
        Assert.Equal([], S3Routes.All.Where(r => r.Handling == S3Handling.Served && r.Selector.Length > 0 && !S3Subresources.SignedByV2.Contains(r.Selector)
            && !SigV4OnlySelectors.All.Contains(r.Selector))
            .Select(r => r.Operation).ToList());
    }

    [Fact]
    public void No_two_routes_share_a_key()
    {
        Assert.Equal([], S3Routes.All.GroupBy(r => (r.Target, r.Method, r.Selector)).Where(g => g.Count() > 1).Select(g => g.Key.ToString()).ToList());
    }

    private static bool UsesUploadId(JsonElement model, JsonElement operation)
    {
        if (!operation.TryGetProperty("input", out var input))
            return false;
        var shape = model.GetProperty("shapes").GetProperty(input.GetProperty("shape").GetString()!);
        return shape.GetProperty("members").EnumerateObject().Any(m =>
            m.Value.TryGetProperty("locationName", out var name) && name.GetString() == "uploadId"
            && m.Value.TryGetProperty("location", out var location) && location.GetString() == "querystring"
            && shape.TryGetProperty("required", out var required) && required.EnumerateArray().Any(r => r.GetString() == m.Name));
    }
}
