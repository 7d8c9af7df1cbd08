namespace IotHubJobs.Messaging;

/// <summary>Where to send a message for one consumer's queue.</summary>
public static class QueueAddress
{
    /// <summary>
    /// The queue's exchange, which the consumer's endpoint declared and bound to its queue. A <c>queue:</c> address would
    /// declare the queue as well, without the quorum-queue argument its consumer gave it (<see cref="Bus"/>), and RabbitMQ
    /// refuses a declaration that differs from the queue's.
    /// </summary>
    public static Uri Of(string queue) => new($"exchange:{queue}");
}
