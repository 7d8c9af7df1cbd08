namespace IotHubJobs.Query.Evaluation;

internal enum ValueKind
{
    Undefined,
    Null,
    String,
    Number,
    Boolean,
    Timestamp,
    Array,
    Object,
}
