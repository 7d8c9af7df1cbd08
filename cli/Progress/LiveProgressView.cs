using Spectre.Console;
using Spectre.Console.Rendering;

namespace IotHubJobs.Cli.Progress;

/// <summary>Progress on a terminal: the line of <see cref="ProgressLine"/> redrawn in place, notes above it.</summary>
public sealed class LiveProgressView(TimeProvider time) : IJobProgressView
{
    private readonly ProgressRate _rate = new(time);
    private readonly List<string> _notes = [];
    private LiveDisplayContext? _live;
    private JobSnapshot? _job;

    /// <summary>Runs <paramref name="work"/> with the display on <paramref name="console"/>; the last frame stays on screen.</summary>
    public async Task<T> RunAsync<T>(IAnsiConsole console, Func<Task<T>> work) =>
        await console.Live(new Text("")).AutoClear(false).StartAsync(async live =>
        {
            _live = live;
            try
            {
                return await work();
            }
            finally
            {
                Redraw();
                _live = null;
            }
        });

    public void Show(JobSnapshot job)
    {
        _rate.Add(job.Finished);
        _job = job;
        Redraw();
    }

    public void Note(string text)
    {
        _notes.Add(Markup.Escape(text));
        Redraw();
    }

    private void Redraw()
    {
        if (_live is null) return;
        var lines = _notes.Select(n => (IRenderable)new Markup($"[grey]{n}[/]")).ToList();
        if (_job is not null) lines.Add(new Markup(ProgressLine.Markup(_job, _rate, colours: true)));
        _live.UpdateTarget(new Rows(lines));
        _live.Refresh();
    }
}
