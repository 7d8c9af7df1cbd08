using IotHubJobs.Query.Ast;

namespace IotHubJobs.Query.Syntax;

/// <summary>Checks that need the whole statement: what a collection allows, grouping, duplicate names.</summary>
internal static class StatementRules
{
    public static void Check(QueryStatement statement)
    {
        var source = statement.From;
        if (!source.AllowsProjections)
        {
            if (!statement.SelectsAll)
            {
                throw QueryException.Invalid(statement.Select[0].Position, $"{source.Collection} queries only support SELECT *");
            }

            if (statement.GroupBy.Count > 0)
            {
                throw QueryException.Invalid(statement.GroupBy[0].Position, $"GROUP BY is not supported on {source.Collection}");
            }
        }

        if (statement.GroupBy.Count > 0 && statement.SelectsAll)
        {
            throw QueryException.Invalid(
                statement.GroupBy[0].Position,
                "GROUP BY needs a SELECT list of grouped properties and aggregates, not SELECT *");
        }

        if (statement.IsAggregate)
        {
            foreach (var selection in statement.Select.OfType<PropertySelection>())
            {
                if (!statement.GroupBy.Any(g => g.SameAs(selection.Path)))
                {
                    throw QueryException.Invalid(
                        selection.Position,
                        $"'{selection.Path}' must be listed in GROUP BY or used inside an aggregate");
                }
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in statement.Select)
        {
            if (!names.Add(item.Name))
            {
                throw QueryException.Invalid(item.Position, $"the property name '{item.Name}' appears twice in SELECT; give one of them a different name with AS");
            }
        }
    }
}
