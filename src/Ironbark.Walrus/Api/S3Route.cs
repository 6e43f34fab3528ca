namespace Ironbark.Walrus.Api;

/// <summary>One S3 operation: the method and sub-resource that select it on a target, and what serves it.</summary>
/// <param name="Selector">The sub-resource query name, "" for the plain operation.</param>
public sealed record S3Route(S3Target Target, string Method, string Selector, string Operation, S3Handling Handling, Func<S3Apis, S3Request, Task> Run);
