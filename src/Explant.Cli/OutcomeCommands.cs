using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Explant.Core.Outcomes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Explant.Cli;

internal static class OutcomeCommands
{
    public static Command Build(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print machine-readable JSON." };
        var answers = new Option<string>("--answers")
        {
            Description = "Ten comma-separated section scores in questionnaire order, each 0–5 or '-' when unanswered (e.g. 3,2,-,4,1,0,2,-,3,1).",
            Required = true,
        };
        var odi = new Command("odi", "Score an Oswestry Disability Index v2.1a (rule 38, source S58; see docs/clinical-rules.md).") { answers, json };
        odi.SetAction(async (p, ct) => await Odi(console, p.GetValue(answers)!, p.GetValue(json)));

        return new Command("outcomes", "Post-operative outcome scores (rules and sources: docs/clinical-rules.md).") { odi };
    }

    private static async Task<int> Odi(CliConsole console, string text, bool json)
    {
        if (!OdiAnswers.TryParse(text, out var parsed, out var errors))
        {
            foreach (var e in errors)
            {
                await console.Err.WriteLineAsync(e.StartsWith("answer ", StringComparison.Ordinal) ? e : $"--answers: {e}");
            }
            return ExitCodes.BadInput;
        }

        // The minimum number of answered sections is ⚠ configurable (Outcomes:Odi:MinimumAnsweredSections, default 8).
        OdiScoringOptions options;
        await using (var services = console.BuildServices())
        {
            options = services.GetRequiredService<IConfiguration>().GetSection(OdiScoringOptions.SectionName).Get<OdiScoringOptions>() ?? new();
        }
        var invalid = options.Validate();
        if (invalid.Count > 0)
        {
            foreach (var e in invalid)
            {
                await console.Err.WriteLineAsync(e);
            }
            return ExitCodes.BadInput;
        }

        var result = Core.Outcomes.Odi.Score(parsed!, options);
        if (result.Score is not { } score)
        {
            await console.Err.WriteLineAsync(result.NotScoredReason);
            return ExitCodes.DomainFailure;
        }
        var percent = score.Percent.ToString("0.0", CultureInfo.InvariantCulture);
        if (json)
        {
            await console.Out.WriteLineAsync(OdiJson(percent, score));
        }
        else
        {
            await console.Out.WriteLineAsync($"ODI {percent} % ({score.BandLabel}): {score.Sum} of {5 * score.Answered} points, {score.Answered} of {Core.Outcomes.Odi.SectionCount} sections answered [{score.Source}]");
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The contract {"score":N,"answered":K,"band":"…"}: compact, in this key order, the score always with one
    /// decimal (42.0, not 42), which a serializer would drop, hence the raw value.
    /// </summary>
    private static string OdiJson(string percent, OdiScore score)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WritePropertyName("score");
            w.WriteRawValue(percent);
            w.WriteNumber("answered", score.Answered);
            w.WriteString("band", score.BandLabel);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
