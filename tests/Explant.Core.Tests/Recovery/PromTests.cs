using Explant.Core.Data;
using Explant.Core.Outcomes;
using Explant.Core.Recovery;

namespace Explant.Core.Tests.Recovery;

/// <summary>PROM responses (NRS back/leg and the ODI per section, scored on record) and one-time hashed PROM links.</summary>
public sealed class PromTests
{
    private static readonly Guid CaseId = Guid.NewGuid();
    private static readonly DateOnly On = new(2025, 3, 1);
    private static readonly OdiScoringOptions Scoring = new();

    private static int?[] Odi(params int?[] answers) => answers;

    private static PromResponse Record(int? back, int? leg, IReadOnlyList<int?> odi) =>
        PromResponse.Record(CaseId, "baseline", On, back, leg, odi, Scoring, PromSource.Clinic, "Nurse Ratched");

    private static readonly int?[] Threes = [3, 3, 3, 3, 3, 3, 3, 3, 3, 3];

    [Theory]
    [InlineData(11, 5, "backPain")]
    [InlineData(5, 11, "legPain")]
    [InlineData(-1, 5, "backPain")]
    [InlineData(5, -1, "legPain")]
    public void A_pain_score_outside_0_to_10_is_refused(int back, int leg, string field)
    {
        var e = Assert.Throws<ValidationException>(() => Record(back, leg, Threes));
        Assert.Equal([field], e.Errors.Keys.ToArray());
    }

    [Fact]
    public void The_pain_scale_ends_are_accepted()
    {
        var p = Record(0, 10, Threes);
        Assert.Equal((0, 10), (p.BackPain!.Value, p.LegPain!.Value));
    }

    [Fact]
    public void An_odi_section_answered_6_is_refused_naming_the_section()
    {
        var e = Assert.Throws<ValidationException>(() => Record(5, 5, Odi(3, 3, 3, 3, 3, 6, 3, 3, 3, 3)));
        Assert.Equal(["odi[5]"], e.Errors.Keys.ToArray());
        Assert.Contains("section 6", e.Errors["odi[5]"][0], StringComparison.Ordinal);

        var negative = Assert.Throws<ValidationException>(() => Record(5, 5, Odi(-1, 3, 3, 3, 3, 3, 3, 3, 3, 3)));
        Assert.Contains("odi[0]", negative.Errors.Keys);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    [InlineData(11)]
    public void An_odi_without_exactly_ten_sections_is_refused(int count)
    {
        var e = Assert.Throws<ValidationException>(() => Record(5, 5, [.. Enumerable.Repeat<int?>(2, count)]));
        Assert.Contains("odi", e.Errors.Keys);
    }

    [Fact]
    public void A_response_with_nothing_answered_is_refused()
    {
        var e = Assert.Throws<ValidationException>(() => Record(null, null, new int?[10]));
        Assert.Contains("backPain", e.Errors.Keys);
    }

    [Theory]
    [InlineData(new[] { 3, 3, 3, 3, 3, 3, 3, 3, 3, 3 }, 60.0)]        // 30 / 50
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 0.0)]
    [InlineData(new[] { 5, 5, 5, 5, 5, 5, 5, 5, 5, 5 }, 100.0)]
    [InlineData(new[] { 1, 2, 3, 4, 5, 0, 1, 2, -1, 0 }, 40.0)]        // 18 / 45 = 40.0 (section 9 unanswered)
    [InlineData(new[] { 2, 1, 1, 1, 1, 1, 1, 1, -1, 1 }, 22.2)]        // 10 / 45 = 22.22…
    [InlineData(new[] { 2, 2, 2, 2, 2, 1, 1, 1, -1, 0 }, 28.9)]        // 13 / 45 = 28.88…
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, 1, 0, -1, -1 }, 17.5)]       // 7 / 40
    [InlineData(new[] { 4, 3, 3, 3, 3, 3, 3, 3, 3, -1 }, 62.2)]        // 28 / 45 = 62.22…
    public void The_stored_odi_score_is_sum_over_five_times_answered_as_a_percentage_with_one_decimal(int[] raw, double expected)
    {
        var answers = raw.Select(a => a < 0 ? (int?)null : a).ToArray();
        var answered = answers.Count(a => a is not null);
        var formula = Math.Round(answers.Sum(a => a ?? 0) * 100m / (5 * answered), 1, MidpointRounding.AwayFromZero);

        var p = Record(4, 2, answers);

        Assert.Equal((decimal)expected, p.OdiScore);
        Assert.Equal(formula, p.OdiScore);
        Assert.Equal(answers, p.Odi);
    }

    [Fact]
    public void Fewer_than_eight_answered_sections_store_the_answers_but_no_score()
    {
        var p = Record(4, null, Odi(3, 3, 3, 3, 3, 3, 3, null, null, null));
        Assert.Null(p.OdiScore);
        Assert.Equal(7, p.Odi.Count(a => a is not null));
        Assert.Equal(4, p.BackPain);
        Assert.Null(p.LegPain);
    }

    [Fact]
    public void The_stored_answers_are_a_copy_of_the_input()
    {
        var answers = Odi(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        var p = Record(4, 2, answers);
        answers[0] = 5;
        Assert.Equal(1, p.Odi[0]);
        Assert.Equal(20.0m, p.OdiScore);
        Assert.Equal(("baseline", On, PromSource.Clinic), (p.TimePoint, p.CollectedOn, p.Source));
    }

    // ---- links ---------------------------------------------------------------------------------------

    private static readonly DateTime Issued = new(2025, 6, 1, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Only_the_hash_of_the_token_is_stored()
    {
        var (link, token) = PromLink.Issue(CaseId, "3mo", Issued, TimeSpan.FromDays(14));

        Assert.False(string.IsNullOrWhiteSpace(token));
        Assert.True(token.Length >= 32, $"a guessable token: {token}");
        Assert.NotEqual(token, link.TokenHash, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain(token, link.TokenHash, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(PromLink.Hash(token), link.TokenHash);
        Assert.Equal(64, link.TokenHash.Length);   // SHA-256, hex
        Assert.NotEqual(PromLink.Hash(token + "x"), link.TokenHash);
        Assert.Equal((CaseId, "3mo", Issued.AddDays(14)), (link.CaseId, link.TimePoint, link.ExpiresUtc));
        Assert.Null(link.UsedUtc);
    }

    [Fact]
    public void Two_links_never_share_a_token()
    {
        var a = PromLink.Issue(CaseId, "3mo", Issued, TimeSpan.FromDays(14));
        var b = PromLink.Issue(CaseId, "3mo", Issued, TimeSpan.FromDays(14));
        Assert.NotEqual(a.Token, b.Token);
        Assert.NotEqual(a.Link.TokenHash, b.Link.TokenHash);
    }

    [Fact]
    public void A_link_works_once()
    {
        var (link, _) = PromLink.Issue(CaseId, "3mo", Issued, TimeSpan.FromDays(14));
        link.Use(Issued.AddHours(2));
        Assert.Equal(Issued.AddHours(2), link.UsedUtc);

        var e = Assert.Throws<DomainRuleException>(() => link.Use(Issued.AddHours(3)));
        Assert.Equal("link-used", e.Rule);
        Assert.Equal(Issued.AddHours(2), link.UsedUtc);
    }

    [Fact]
    public void A_link_works_up_to_its_expiry_and_not_after()
    {
        var (atExpiry, _) = PromLink.Issue(CaseId, "3mo", Issued, TimeSpan.FromDays(14));
        atExpiry.Use(Issued.AddDays(14));
        Assert.NotNull(atExpiry.UsedUtc);

        var (late, _) = PromLink.Issue(CaseId, "3mo", Issued, TimeSpan.FromDays(14));
        var e = Assert.Throws<DomainRuleException>(() => late.Use(Issued.AddDays(14).AddSeconds(1)));
        Assert.Equal("link-expired", e.Rule);
        Assert.Null(late.UsedUtc);
    }

    [Fact]
    public void A_used_link_reports_used_even_after_it_expired()
    {
        var (link, _) = PromLink.Issue(CaseId, "3mo", Issued, TimeSpan.FromDays(14));
        link.Use(Issued.AddDays(1));
        Assert.Equal("link-used", Assert.Throws<DomainRuleException>(() => link.Use(Issued.AddDays(30))).Rule);
    }
}
