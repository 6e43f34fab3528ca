namespace Ironbark.Cc.Domain;

/// <summary>How the instance is attached to the network ("USER" for now) and the addresses it is told it has.</summary>
public sealed record NetworkAttachment(string Mode, string Mac, string PrivateIp);
