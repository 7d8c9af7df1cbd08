using System.CommandLine;

namespace IotHubJobs.Cli.Commands;

/// <summary>
/// An id given either as az names it (<c>--job-id j1</c>, <c>--device-id d1</c>) or as the first word
/// (<c>iotjobs job watch j1</c>).
/// </summary>
public sealed class IdInput
{
    private readonly Option<string> _option;
    private readonly Argument<string?> _argument;
    private readonly string _what;

    public IdInput(string what, string option, string alias)
    {
        _what = what;
        _option = new Option<string>(option, alias) { Description = $"the {what}" };
        _argument = new Argument<string?>(what.Replace(' ', '-')) { Arity = ArgumentArity.ZeroOrOne, Description = $"the {what} (or {option})" };
    }

    public Command AddTo(Command command)
    {
        command.Add(_argument);
        command.Add(_option);
        return command;
    }

    public string Read(CommandContext context)
    {
        var fromOption = context.Value(_option);
        var fromArgument = context.Value(_argument);
        if (fromOption is not null && fromArgument is not null && fromOption != fromArgument)
            throw new UsageException($"two different {_what}s given: '{fromArgument}' and '{fromOption}'");
        return fromOption ?? fromArgument ?? throw new UsageException($"the {_what} is missing (give it as the first word or with {_option.Name})");
    }
}
