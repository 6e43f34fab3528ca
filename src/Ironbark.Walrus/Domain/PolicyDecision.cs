namespace Ironbark.Walrus.Domain;

/// <summary>What a bucket policy says of a request: nothing, an explicit Allow, or an explicit Deny.</summary>
public enum PolicyDecision { None, Allow, Deny }
