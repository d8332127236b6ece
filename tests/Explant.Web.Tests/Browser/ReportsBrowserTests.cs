using System.Text.Json;
using Explant.Core.Reports;
using Explant.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Explant.Web.Tests.Browser;

/// <summary>
/// Issue #13 §1 and §8: /reports on the demo's two-year history reads on a tablet and a phone (column headers in
/// words, every chart label inside its chart) and writes nothing to the console but the structured log.
/// </summary>
[Collection(DemoSite.Collection)]
public sealed class ReportsBrowserTests(DemoSite site)
{
    /// <summary>A page signed in as the surgeon, on the sign-in form (the next navigation is the test's).</summary>
    private async Task<IPage> SignedInAsync(int width, int height)
    {
        var page = await site.Browser.NewPageAsync(width, height);
        await page.GotoAsync($"{site.Factory.ServerAddress}/login");
        await page.FillAsync("#email", DemoSite.Surgeon);
        await page.FillAsync("#password", ExplantFactory.Password);
        await BrowserSession.ClickAndLoadAsync(page, "form[action='/account/login'] button[type=submit]");
        return page;
    }

    [Fact]
    public async Task Report_tables_have_column_headers_in_words()
    {
        var page = await SignedInAsync(1024, 768);
        await using var _ = page.Context;
        await page.GotoAsync($"{site.Factory.ServerAddress}/reports");
        var headers = await page.Locator("table.report-table th[scope=col]").AllTextContentsAsync();
        Assert.Equal(ServiceReport.TableNames.Sum(n => ReportColumns(n)), headers.Count);
        Assert.All(headers, h => Assert.DoesNotContain("_", h, StringComparison.Ordinal));
        Assert.Contains("Stay (days)", headers);
        Assert.Contains("95 % CI from (%)", headers);
    }

    private static int ReportColumns(string name) => name switch
    {
        "utilisation" => 7, "durations" => 5, "length-of-stay" => 6, "complications" => 6, "proms" => 19, "indications" => 6, "explants" => 2, "retained" => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Fact]
    public async Task Rendering_the_reports_writes_nothing_to_the_console_but_structured_log_lines()
    {
        var page = await SignedInAsync(1024, 768);
        await using var _ = page.Context;
        var original = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            var response = await page.GotoAsync($"{site.Factory.ServerAddress}/reports");
            Assert.True(response is { Ok: true });
        }
        finally
        {
            Console.SetOut(original);
        }
        Assert.Equal(ServiceReport.TableNames.Count, await page.Locator("figure.chart svg").CountAsync());
        // Serilog writes one JSON object per line to stdout; anything else is stray text (a library talking).
        var stray = captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !IsJsonObject(line)).ToList();
        Assert.True(stray.Count == 0, "stray console output:\n" + string.Join("\n", stray.Take(10)));
    }

    private static bool IsJsonObject(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // Each chart text's box against its chart's box, in screen pixels (a label cut off by the chart's edge sticks out).
    private const string ClippedLabels = """
        () => [...document.querySelectorAll('figure.chart svg')].flatMap(svg => {
          const box = svg.getBoundingClientRect();
          return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() !== '').map(t => [t, t.getBoundingClientRect()])
            .filter(([t, r]) => r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
            .map(([t, r]) => svg.closest('section').id + ': "' + t.textContent.trim() + '" at x ' + Math.round(r.left) + '–' + Math.round(r.right) + ', y ' + Math.round(r.top) + '–' + Math.round(r.bottom)
              + ' outside x ' + Math.round(box.left) + '–' + Math.round(box.right) + ', y ' + Math.round(box.top) + '–' + Math.round(box.bottom));
        })
        """;

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1024, 768)]
    public async Task Every_chart_label_is_inside_its_chart_and_the_page_fits_the_screen(int width, int height)
    {
        var page = await SignedInAsync(width, height);
        await using var _ = page.Context;
        await page.GotoAsync($"{site.Factory.ServerAddress}/reports");
        Assert.EndsWith("/reports", page.Url, StringComparison.Ordinal);
        Assert.Equal(ServiceReport.TableNames.Count, await page.Locator("figure.chart svg").CountAsync());
        var svgWidth = await page.EvaluateAsync<double>("() => document.querySelector('figure.chart svg').getBoundingClientRect().width");
        Assert.True(svgWidth <= width, $"chart {svgWidth} px wide at {width}");
        Assert.Equal(Array.Empty<string>(), await page.EvaluateAsync<string[]>(ClippedLabels));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth"));
    }
}
