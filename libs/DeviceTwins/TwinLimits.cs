namespace IotHubJobs.DeviceTwins;

/// <summary>
/// IoT Hub's device twin limits (docs/iothub-api.md, "Device twins"). Sizes are UTF-8 bytes of compact JSON.
/// </summary>
public static class TwinLimits
{
    public const int MaxKeyBytes = 1024;
    public const int MaxStringValueBytes = 4 * 1024;

    /// <summary>2^52 − 1: integers beyond this lose precision in the double-based stores IoT Hub is built on.</summary>
    public const long MaxIntegerMagnitude = 4_503_599_627_370_495;

    /// <summary>Nesting depth; the section object itself (<c>tags</c>, <c>desired</c>, <c>reported</c>) is level 1.</summary>
    public const int MaxDepth = 10;

    public const int MaxTagsBytes = 8 * 1024;
    public const int MaxDesiredBytes = 32 * 1024;
    public const int MaxReportedBytes = 32 * 1024;
}
