namespace Ironbark.Walrus.Domain;

/// <summary>
/// What a write asks for a new version (x-amz-object-lock-mode, -retain-until-date, -legal-hold): a retention, a legal
/// hold, both or neither. Null members leave the bucket's default (retention) or off (legal hold).
/// </summary>
public sealed record ObjectLockSettings(ObjectRetention? Retention, bool? LegalHold)
{
    public bool IsEmpty => Retention is null && LegalHold is null;
}
