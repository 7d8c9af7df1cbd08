using System.CommandLine;
using System.CommandLine.Invocation;
using IotHubJobs.Cli;
using IotHubJobs.Cli.Commands;

// iotjobs (cli/README.md). A command line the parser cannot make sense of exits 2 with its errors, one per line,
// rather than System.CommandLine's 1, so that 1 always means "the hub refused". Response files are off: "@file.json" is
// how a JSON option names a file (cli/Commands/JsonInput.cs), and the parser would otherwise split the file into words.
var parse = IotJobsCommand.Build().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
if (parse.Action is ParseErrorAction)
{
    foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine($"Run '{string.Join(' ', ["iotjobs", .. CommandPath(parse)])} --help' for usage.");
    return ExitCodes.Usage;
}
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(3) });

static IEnumerable<string> CommandPath(ParseResult parse)
{
    var names = new List<string>();
    for (var result = parse.CommandResult; result.Parent is { } parent; result = (System.CommandLine.Parsing.CommandResult)parent)
        names.Insert(0, result.Command.Name);
    return names;
}
