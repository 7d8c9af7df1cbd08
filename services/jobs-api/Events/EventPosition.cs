using System.Globalization;

namespace JobsApi.Events;

/// <summary>
/// Where an event stands in the job event log (docs/events.md, "Ids: positions in the log"): the sequence of the log
/// event it came from and its index among the events that log event yields. Written <c>S</c> for index 0 and
/// <c>S.i</c> otherwise; ordered by sequence, then index. This text is the SSE id and the CloudEvent id.
/// </summary>
public readonly record struct EventPosition(long Sequence, int Index) : IComparable<EventPosition>
{
    /// <summary>Before the first event of the log.</summary>
    public static readonly EventPosition Start = new(0, 0);

    /// <summary>The next free index at this sequence: where an event that belongs to no stored item (a snapshot) goes.</summary>
    public EventPosition NextIndex => this with { Index = Index + 1 };

    public int CompareTo(EventPosition other) =>
        Sequence != other.Sequence ? Sequence.CompareTo(other.Sequence) : Index.CompareTo(other.Index);

    public static bool operator <(EventPosition a, EventPosition b) => a.CompareTo(b) < 0;
    public static bool operator >(EventPosition a, EventPosition b) => a.CompareTo(b) > 0;
    public static bool operator <=(EventPosition a, EventPosition b) => a.CompareTo(b) <= 0;
    public static bool operator >=(EventPosition a, EventPosition b) => a.CompareTo(b) >= 0;

    public override string ToString() => Index == 0
        ? Sequence.ToString(CultureInfo.InvariantCulture)
        : $"{Sequence.ToString(CultureInfo.InvariantCulture)}.{Index.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Digits, optionally a dot and more digits; nothing else (no sign, no spaces).</summary>
    public static bool TryParse(string? text, out EventPosition position)
    {
        position = Start;
        if (string.IsNullOrEmpty(text) || text.Length > 40) return false;
        var dot = text.IndexOf('.');
        var sequenceText = dot < 0 ? text : text[..dot];
        var indexText = dot < 0 ? "0" : text[(dot + 1)..];
        if (!AllDigits(sequenceText) || !AllDigits(indexText)) return false;
        if (!long.TryParse(sequenceText, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)) return false;
        if (!int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index)) return false;
        position = new EventPosition(sequence, index);
        return true;
    }

    private static bool AllDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);
}
