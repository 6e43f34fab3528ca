using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ironbark.Common.Auth;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// A bucket policy (IAM JSON): statements with Effect, Principal, Action/NotAction and
/// Resource/NotResource, wildcards included, and Conditions (see PolicyCondition) on the request's context keys.
/// </summary>
public sealed class BucketPolicy
{
    private static readonly ConcurrentDictionary<string, BucketPolicy> Cache = new();
    private readonly List<Statement> _statements;

    private BucketPolicy(List<Statement> statements) => _statements = statements;

    public static BucketPolicy Parse(string json) => Cache.GetOrAdd(json, j =>
    {
        if (Cache.Count > 1000)
            Cache.Clear();
        return ParseStrict(j, "");
    });

    /// <summary>Parses and validates a policy document for a bucket; throws MalformedPolicy when it is not one.</summary>
    public static BucketPolicy ParseStrict(string json, string bucket)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Statement", out var statementsElement))
                throw Malformed("Missing required field Statement");
            var list = statementsElement.ValueKind == JsonValueKind.Array ? statementsElement.EnumerateArray().ToList() : [statementsElement];
            var statements = new List<Statement>();
            foreach (var s in list)
            {
                var condition = s.TryGetProperty("Condition", out var c) ? PolicyCondition.Parse(c) : null;
                var effect = s.TryGetProperty("Effect", out var e) ? e.GetString() : null;
                if (effect is not ("Allow" or "Deny"))
                    throw Malformed("Invalid effect: " + effect);
                if (!s.TryGetProperty("Principal", out var principal))
                    throw Malformed("Missing required field Principal");
                var actions = Strings(s, "Action", out var notAction);
                var resources = Strings(s, "Resource", out var notResource);
                if (actions.Count == 0)
                    throw Malformed("Missing required field Action");
                if (resources.Count == 0)
                    throw Malformed("Missing required field Resource");
                foreach (var r in resources)
                    if (bucket.Length > 0 && r != "*" && r != "arn:aws:s3:::" + bucket && !r.StartsWith($"arn:aws:s3:::{bucket}/", StringComparison.Ordinal))
                        throw Malformed("Policy has invalid resource");
                statements.Add(new Statement(effect == "Deny", Principals(principal), actions.Select(Wildcard).ToList(), notAction,
                    resources.Select(Wildcard).ToList(), notResource, condition));
            }
            return new BucketPolicy(statements);
        }
        catch (JsonException)
        {
            throw Malformed("This policy contains invalid Json");
        }
        catch (InvalidOperationException)
        {
            throw Malformed("This policy contains invalid Json");
        }
    }

    /// <summary>What the policy says of an action; <paramref name="existingTags"/> are the target object's tags (JSON) for s3:ExistingObjectTag.</summary>
    /// <param name="skipPublicAllows">RestrictPublicBuckets on a public policy: its public Allow statements give nothing (the caller is not the owner's account).</param>
    public PolicyDecision Evaluate(Caller caller, string action, string bucket, string? key, string? existingTags = null, bool skipPublicAllows = false)
    {
        var resource = key is null ? $"arn:aws:s3:::{bucket}" : $"arn:aws:s3:::{bucket}/{key}";
        var decision = PolicyDecision.None;
        foreach (var s in _statements)
        {
            if (!s.Principals.Matches(caller))
                continue;
            if (s.Actions.Any(a => a.IsMatch(action)) == s.NotAction)
                continue;
            if (s.Resources.Any(r => r.IsMatch(resource)) == s.NotResource)
                continue;
            if (s.Condition is not null && !s.Condition.Matches(k => ContextKey(caller, k, existingTags)))
                continue;
            if (s.Deny)
                return PolicyDecision.Deny;
            if (skipPublicAllows && IsPublicStatement(s))
                continue;
            decision = PolicyDecision.Allow;
        }
        return decision;
    }

    private static List<string> Strings(JsonElement statement, string name, out bool negated)
    {
        negated = false;
        if (!statement.TryGetProperty(name, out var value))
        {
            if (!statement.TryGetProperty("Not" + name, out value))
                return [];
            negated = true;
        }
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString() ?? "").ToList() : [value.GetString() ?? ""];
    }

    private static PrincipalSet Principals(JsonElement principal)
    {
        if (principal.ValueKind == JsonValueKind.String)
            return principal.GetString() == "*" ? new PrincipalSet(true, []) : throw Malformed("Invalid principal in policy");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var anyone = false;
        foreach (var property in principal.EnumerateObject())
        {
            var values = property.Value.ValueKind == JsonValueKind.Array
                ? property.Value.EnumerateArray().Select(v => v.GetString() ?? "")
                : [property.Value.GetString() ?? ""];
            foreach (var v in values)
            {
                if (v == "*")
                    anyone = true;
                else if (v.StartsWith("arn:aws:iam::", StringComparison.Ordinal))
                    ids.Add(v["arn:aws:iam::".Length..].Split(':')[0]);
                else
                    ids.Add(v);
            }
        }
        return new PrincipalSet(anyone, ids);
    }

    private static Regex Wildcard(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*").Replace("\\?", ".") + "$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>AWS's "public": some Allow statement grants to any principal ("*") without a condition that pins it to known callers.</summary>
    public bool IsPublic => _statements.Any(IsPublicStatement);

    private static bool IsPublicStatement(Statement s) => !s.Deny && s.Principals.Anyone && s.Condition?.LimitsToKnownCallers() != true;

    private static IReadOnlyList<string>? ContextKey(Caller caller, string key, string? existingTags)
    {
        const string existing = "s3:existingobjecttag/";
        if (key.StartsWith(existing, StringComparison.Ordinal))
        {
            if (existingTags is null)
                return null;
            var tag = JsonSerializer.Deserialize<string[][]>(existingTags)?.FirstOrDefault(t => t[0].Equals(key[existing.Length..], StringComparison.OrdinalIgnoreCase));
            return tag is null ? null : [tag[1]];
        }
        return caller.Facts is { } facts && facts.TryGetValue(key, out var values) ? values : null;
    }

    internal static WalrusException Malformed(string message) => new("MalformedPolicy", 400, message);

    private sealed record Statement(bool Deny, PrincipalSet Principals, List<Regex> Actions, bool NotAction, List<Regex> Resources, bool NotResource, PolicyCondition? Condition);

    private sealed record PrincipalSet(bool Anyone, HashSet<string> Ids)
    {
        public bool Matches(Caller caller) =>
            Anyone || (caller.Account is { } a && (Ids.Contains(a.Id) || Ids.Contains(a.CanonicalId) || Ids.Contains(a.Name)));
    }
}
