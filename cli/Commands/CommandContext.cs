using System.CommandLine;
using IotHubJobs.Cli.Hub;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands;

/// <summary>What a command's action gets: its parsed options, the printer, the hub (connected on first use) and Ctrl-C.</summary>
public sealed class CommandContext(ParseResult parse, Printer printer, Func<HubClient> connect, CancellationToken cancellation)
{
    private HubClient? _hub;

    public ParseResult Parse { get; } = parse;
    public Printer Printer { get; } = printer;
    public CancellationToken Cancellation { get; } = cancellation;
    public HubClient Hub => _hub ??= connect();

    public T? Value<T>(Option<T> option) => Parse.GetValue(option);
    public T? Value<T>(Argument<T> argument) => Parse.GetValue(argument);

    internal void DisposeHub() => _hub?.Dispose();
}

/// <summary>A mistake in the command line or an input file that the parser could not see; exit code 2, nothing sent.</summary>
public sealed class UsageException(string message) : Exception(message);
