namespace Ironbark.Clc.Domain;

/// <summary>
/// A refused EC2 request: the AWS error code, a message and the HTTP status. The API edge writes
/// it as the EC2 error body; nothing else turns exceptions into responses.
/// </summary>
public sealed class Ec2Exception(string code, string message, int status = 400) : Exception(message)
{
    public string Code { get; } = code;
    public int Status { get; } = status;

    public static Ec2Exception InvalidParameterValue(string message) => new("InvalidParameterValue", message);

    public static Ec2Exception MissingParameter(string name) =>
        new("MissingParameter", $"The request must contain the parameter {name}");
}
