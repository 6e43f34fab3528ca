using Ironbark.Clc.Domain;
using Ironbark.Common.Auth;

namespace Ironbark.Clc.Api;

/// <summary>An authenticated EC2 Query request: the action, its parameters and who asks.</summary>
public sealed class Ec2Request(string action, Ec2Parameters parameters, AuthenticatedCaller caller, string requestId)
{
    public string Action { get; } = action;
    public Ec2Parameters Parameters { get; } = parameters;
    /// <summary>Who signed the request: never anonymous (every EC2 action needs a signed caller).</summary>
    public AuthenticatedCaller Caller { get; } = caller;
    public string RequestId { get; } = requestId;

    /// <summary>The caller's account id: every resource the request touches belongs to it.</summary>
    public string AccountId => Caller.Account.Id;

    /// <summary>
    /// Ends a DryRun request once its parameters are checked: DryRunOperation when the caller may do
    /// the action. Every authenticated account may do every action implemented so far on its own
    /// resources; access policies will refuse some with UnauthorizedOperation.
    /// </summary>
    public void CheckDryRun()
    {
        if (Parameters.Bool("DryRun"))
            throw new Ec2Exception("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
    }
}
