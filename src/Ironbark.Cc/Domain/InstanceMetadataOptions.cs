namespace Ironbark.Cc.Domain;

/// <summary>EC2's instance metadata options as the CLC gave them (empty means the default); the node checks them.</summary>
public sealed record InstanceMetadataOptions(string HttpTokens, int HttpPutResponseHopLimit, string HttpEndpoint);
