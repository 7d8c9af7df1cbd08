using System.Text.Json.Nodes;
using IotHubJobs.Query;

namespace Unit.Tests.Query;

public class RobustnessSpecs
{
    private static readonly IReadOnlyList<JsonNode> Twins = FixtureFleet.Twins.Select(t => JsonNode.Parse(t)!).ToList();

    /// <summary>
    /// Every prefix length of a short text; of a long one about 400, evenly spaced. The table's long cases repeat one
    /// short shape hundreds of times, so all their thousands of prefixes would cost seconds and test nothing more.
    /// </summary>
    private static IEnumerable<int> PrefixLengths(string text)
    {
        var step = Math.Max(1, text.Length / 400);
        return Enumerable.Range(0, text.Length).Where(n => n % step == 0);
    }

    [Fact]
    public void Every_prefix_and_mangling_of_the_table_either_works_or_fails_with_a_query_exception()
    {
        var random = new Random(20240501);
        const string noise = "'\"[]().,*=<>!-\\ 0x1eAND";
        var texts = QueryCases.Conditions.Select(c => c.Condition)
            .Concat(QueryCases.InvalidConditions.Select(c => c.Text))
            .ToList();

        foreach (var text in texts)
        {
            var variants = PrefixLengths(text).Select(n => text[..n])
                .Concat(Enumerable.Range(0, 20).Select(_ =>
                {
                    var at = random.Next(text.Length + 1);
                    return text[..at] + noise[random.Next(noise.Length)] + text[at..];
                }));

            foreach (var variant in variants)
            {
                try
                {
                    var condition = QueryParser.ParseCondition(variant);
                    _ = SqlCompiler.CompileCondition(condition, QuerySource.Devices);
                    _ = Twins.Count(t => Evaluator.Matches(condition, t));
                }
                catch (QueryException error)
                {
                    Assert.Matches(@"^(Syntax error|Invalid query) at position \d+: .+", error.Message);
                    Assert.InRange(error.Position, 1, Math.Max(variant.Length + 1, QueryParser.MaxQueryLength + 1));
                }
            }
        }
    }

    [Fact]
    public void Mangled_full_queries_either_work_or_fail_with_a_query_exception()
    {
        var texts = QueryCases.Statements.Select(c => c.Query).Concat(QueryCases.InvalidQueries.Select(c => c.Text));

        foreach (var text in texts)
        {
            foreach (var variant in PrefixLengths(text).Select(n => text[..n]).Append(text))
            {
                try
                {
                    var statement = QueryParser.Parse(variant);
                    _ = SqlCompiler.Compile(statement).PageSql(5);
                    _ = Evaluator.Run(statement, Twins);
                }
                catch (QueryException error)
                {
                    Assert.Matches(@"^(Syntax error|Invalid query) at position \d+: .+", error.Message);
                }
            }
        }
    }
}
