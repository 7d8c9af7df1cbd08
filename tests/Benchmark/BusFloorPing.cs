namespace Benchmark;

/// <summary>The message of the bus floor (BusFloor): as small as a message gets.</summary>
public sealed record BusFloorPing(int Sequence);
