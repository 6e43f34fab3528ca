namespace Ironbark.Clc.Domain;

/// <summary>A tag on a resource, as EC2 keeps them: a key unique per resource and a value.</summary>
public sealed record Tag(string Key, string Value)
{
    public const int MaxTagsPerResource = 50;

    /// <summary>Checks a set of tags against EC2's limits (key 1-128 characters, not "aws:…", value up to 256).</summary>
    public static void Validate(IReadOnlyList<Tag> tags)
    {
        if (tags.Count > MaxTagsPerResource)
            throw new Ec2Exception("TagLimitExceeded", $"The maximum number of tags per resource is {MaxTagsPerResource}.");
        foreach (var tag in tags)
        {
            if (tag.Key.Length is 0 or > 128)
                throw Ec2Exception.InvalidParameterValue($"Tag key '{tag.Key}' must be 1 to 128 characters long.");
            if (tag.Key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                throw Ec2Exception.InvalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use.");
            if (tag.Value.Length > 256)
                throw Ec2Exception.InvalidParameterValue($"The value of tag '{tag.Key}' is longer than 256 characters.");
        }
        if (tags.Select(t => t.Key).Distinct(StringComparer.Ordinal).Count() != tags.Count)
            throw Ec2Exception.InvalidParameterValue("A tag key appears more than once.");
    }
}
