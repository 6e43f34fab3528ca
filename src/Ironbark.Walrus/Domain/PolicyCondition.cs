using System.Text.Json;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// The Condition block of a policy statement (IAM condition language): every operator must hold (AND), every key of an
/// operator must hold (AND), and a key holds when any of its policy values matches (OR), as the IAM user guide defines.
/// </summary>
public sealed class PolicyCondition
{
    private readonly List<ConditionClause> _clauses;

    private PolicyCondition(List<ConditionClause> clauses) => _clauses = clauses;

    /// <summary>Parses a Condition block; throws MalformedPolicy for an unknown operator, an invalid key or a value the operator cannot read.</summary>
    public static PolicyCondition Parse(JsonElement condition)
    {
        if (condition.ValueKind != JsonValueKind.Object)
            throw BucketPolicy.Malformed("Invalid Condition block");
        var clauses = new List<ConditionClause>();
        foreach (var op in condition.EnumerateObject())
        {
            var parsed = ConditionOperator.Parse(op.Name) ?? throw BucketPolicy.Malformed("Invalid Condition type : " + op.Name);
            if (op.Value.ValueKind != JsonValueKind.Object)
                throw BucketPolicy.Malformed("Invalid Condition block for " + op.Name);
            foreach (var key in op.Value.EnumerateObject())
            {
                if (!ConditionKeys.IsKnown(key.Name))
                    throw BucketPolicy.Malformed("Policy has an invalid condition key");
                var values = Values(key.Value);
                foreach (var v in values)
                    if (!parsed.Accepts(v))
                        throw BucketPolicy.Malformed($"Invalid Condition value for {op.Name}: {v}");
                clauses.Add(new ConditionClause(parsed, key.Name.ToLowerInvariant(), values));
            }
        }
        return new PolicyCondition(clauses);
    }

    /// <summary>True when every clause holds for the request's context keys (<paramref name="lookup"/>: lower-case key → values, null when absent).</summary>
    public bool Matches(Func<string, IReadOnlyList<string>?> lookup) => _clauses.All(c => c.Operator.Holds(lookup(c.Key), c.Values));

    /// <summary>
    /// Whether the condition pins the request to fixed values of a key that AWS counts as limiting a statement to known callers
    /// (aws:SourceIp CIDRs, aws:SourceArn/Vpc/Vpce/Owner/Account, aws:PrincipalAccount, aws:userid, the KMS key id): such a statement is not public.
    /// </summary>
    public bool LimitsToKnownCallers() => _clauses.Any(c => c.Operator.PinsValues(c.Values) && LimitingKeys.Contains(c.Key)
        && (c.Key != "aws:userid" || c.Values.All(v => !v.StartsWith("AROLEID:", StringComparison.Ordinal))));

    private static readonly HashSet<string> LimitingKeys =
    [
        "aws:sourceip", "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceowner", "aws:sourceaccount", "aws:principalaccount",
        "aws:principalarn", "aws:principalorgid", "aws:userid", "s3:x-amz-server-side-encryption-aws-kms-key-id", "s3:dataaccesspointarn",
        "s3:dataaccesspointaccount",
    ];

    private static List<string> Values(JsonElement value)
    {
        IEnumerable<JsonElement> items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [value];
        return items.Select(v => v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => throw BucketPolicy.Malformed("Invalid Condition value: " + v.GetRawText()),
        }).ToList();
    }

    private sealed record ConditionClause(ConditionOperator Operator, string Key, List<string> Values);
}
