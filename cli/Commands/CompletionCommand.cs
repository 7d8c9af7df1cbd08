using System.CommandLine;

namespace IotHubJobs.Cli.Commands;

/// <summary>
/// <c>iotjobs completion bash|zsh</c> prints a script that asks iotjobs itself for completions through System.CommandLine's
/// <c>[suggest]</c> directive, so commands, options and their fixed values complete as they are defined here.
/// Install: <c>source &lt;(iotjobs completion bash)</c> in ~/.bashrc.
/// </summary>
public static class CompletionCommand
{
    private const string Bash = """
        # iotjobs completion for bash: source <(iotjobs completion bash)
        _iotjobs_complete() {
          local line="${COMP_LINE:0:COMP_POINT}"
          local words="${line#*[[:space:]]}"
          [ "$words" = "$line" ] && words=""
          local IFS=$'\n'
          COMPREPLY=( $(compgen -W "$(iotjobs "[suggest:${#words}]" "$words" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _iotjobs_complete iotjobs
        """;

    private const string Zsh = """
        # iotjobs completion for zsh: source <(iotjobs completion zsh)
        _iotjobs_complete() {
          local words="${BUFFER#* }"
          [ "$words" = "$BUFFER" ] && words=""
          local -a suggestions
          suggestions=("${(@f)$(iotjobs "[suggest:${#words}]" "$words" 2>/dev/null)}")
          compadd -a suggestions
        }
        compdef _iotjobs_complete iotjobs
        """;

    public static Command Build()
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print the shell completion script: source <(iotjobs completion bash)") { shell };
        command.SetAction(parse =>
        {
            Console.Out.WriteLine(parse.GetValue(shell) == "zsh" ? Zsh : Bash);
            return ExitCodes.Success;
        });
        return command;
    }
}
