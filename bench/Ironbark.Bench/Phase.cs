namespace Ironbark.Bench;

/// <summary>The measured phases, in the order they run and appear in the report.</summary>
public enum Phase
{
    LargePut,
    LargeGet,
    SmallPut,
    SmallGet,
    List,
    HugePut,
}
