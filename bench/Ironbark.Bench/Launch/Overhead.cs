namespace Ironbark.Bench.Launch;

/// <summary>What the CLC and CC add to a launch of <see cref="Count"/> instances, to running or to READY: the EC2 path's percentile minus the NC-only one's, in ms.</summary>
public sealed record Overhead(int Count, string To, double Ec2P50, double NcP50, double Ec2P95, double NcP95)
{
    public double AddedP50 => Ec2P50 - NcP50;
    public double AddedP95 => Ec2P95 - NcP95;
    public bool Met => AddedP50 <= LaunchReport.OverheadLimitMs && AddedP95 <= LaunchReport.OverheadLimitMs;
}
