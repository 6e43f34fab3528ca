namespace Ironbark.Clc.Domain;

/// <summary>One instance type the cloud offers (DescribeInstanceTypes): its size, root disk and generation.</summary>
public sealed record InstanceTypeSpec(string Name, int VCpus, int MemoryMiB, int RootDiskGiB, bool CurrentGeneration = false)
{
    /// <summary>The Eucalyptus family with its root disk sizes, and the small t2 types (the only current generation).</summary>
    public static IReadOnlyList<InstanceTypeSpec> EucalyptusDefaults { get; } =
    [
        new("t1.micro", 1, 256, 5),
        new("m1.small", 1, 256, 5),
        new("c1.medium", 1, 512, 10),
        new("m1.large", 2, 512, 10),
        new("m1.xlarge", 2, 1024, 10),
        new("c1.xlarge", 2, 2048, 10),
        new("m2.xlarge", 2, 2048, 10),
        new("m3.xlarge", 4, 2048, 15),
        new("m2.2xlarge", 2, 4096, 30),
        new("m3.2xlarge", 4, 4096, 30),
        new("cc1.4xlarge", 8, 3072, 60),
        new("m2.4xlarge", 8, 4096, 60),
        new("hi1.4xlarge", 8, 6144, 120),
        new("cc2.8xlarge", 16, 6144, 120),
        new("cg1.4xlarge", 16, 12288, 200),
        new("cr1.8xlarge", 16, 16384, 240),
        new("hs1.8xlarge", 48, 119808, 24000),
        new("t2.nano", 1, 512, 5, CurrentGeneration: true),
        new("t2.micro", 1, 1024, 10, CurrentGeneration: true),
        new("t2.small", 1, 2048, 20, CurrentGeneration: true),
        new("t2.medium", 2, 4096, 20, CurrentGeneration: true),
    ];
}
