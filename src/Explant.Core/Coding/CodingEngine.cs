using System.Globalization;
using Explant.Core.Cases;
using Explant.Core.Implants;

namespace Explant.Core.Coding;

/// <summary>
/// Suggests CPT and ICD-10-CM codes for a removal session by the coding rules of docs/clinical-rules.md §8 (rules 1–4, 7, 9,
/// 11–13; R5 and rule 5 as reminders). Pure: the same request and options always give the same answer, nothing is
/// read or stored. Every answer is a suggestion for a certified coder (rule 12 ⚠), never a claim.
/// </summary>
public static class CodingEngine
{
    /// <summary>Rule 9 [S7]: never on 22849/22850/22852/22855 (midline, one per session).</summary>
    public static readonly IReadOnlySet<string> LateralityModifiers = new HashSet<string>(StringComparer.Ordinal) { "LT", "RT", "50" };

    public const string ReducedServicesModifier = "52";

    public static CodingResult Suggest(CodingRequest request, CodingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= new CodingOptions();
        var optionProblems = options.Validate();
        if (optionProblems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", optionProblems), nameof(options));
        }
        ArgumentNullException.ThrowIfNull(request.Indications);
        var indications = request.Indications
            .Select(k => IndicationCodes.Find(k) ?? throw new ArgumentException($"unknown indication '{k}'", nameof(request)))
            .ToList();
        if (request.NewInstrumentation is { } n && !CodingTables.IsInsertion(n.Code))
        {
            throw new ArgumentException($"'{n.Code}' is not an insertion code (22840–22848)", nameof(request));
        }

        var s = new State();
        var cpt = Cpt(request, options, s);
        var globalPeriod = GlobalPeriod(cpt, options, s);
        var icd = Icd(indications, options, s);
        Guard(request, cpt);

        var sources = s.Rules.SelectMany(r => r.Sources).Concat(icd.Select(i => i.Source))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(SourceNumber)
            .ToList();
        return new CodingResult(cpt, icd, s.Warnings, sources, globalPeriod, s.Rules);
    }

    private sealed class State
    {
        public List<string> Warnings { get; } = [];
        public List<AppliedRule> Rules { get; } = [];

        public void Apply(string rule, string outcome, params string[] sources) => Rules.Add(new(rule, outcome, sources));
    }

    private static List<CptLine> Cpt(CodingRequest request, CodingOptions options, State s)
    {
        var levels = request.Levels;

        // Rule 1 [S4][S1]: anterior → 22855 whatever the fixation pattern; posterior segmental (an interposed attachment)
        // → 22852; posterior fixed at the ends only → 22850.
        var removal = request.Approach == Approach.Anterior ? CodingTables.RemovalAnterior
            : request.Segmental ? CodingTables.RemovalPosteriorSegmental
            : CodingTables.RemovalPosteriorNonSegmental;
        s.Apply("rule 1", request.Approach == Approach.Anterior
            ? $"anterior instrumentation removed at {levels} → {removal}"
            : $"posterior {(request.Segmental ? "segmental" : "non-segmental")} instrumentation removed at {levels} → {removal}", "S4", "S1");

        // Rule 3 / R3 [S1][S3]: hardware taken out and put back at the same levels is 22849, never 22849 plus a removal code.
        var old = removal;
        if (request.ReinsertedSameLevels)
        {
            old = CodingTables.Reinsertion;
            s.Apply("rule 3", $"hardware reinserted at {levels} → {old} instead of {removal} (never both at the same levels)", "S1", "S3");
        }

        var lines = new List<(string Code, List<string> Modifiers)>();
        var insertion = request.NewInstrumentation;
        if (insertion is null)
        {
            lines.Add((old, []));
        }
        else if (levels.Overlaps(insertion.Levels))
        {
            // Rule 2 / R2 [S1][S2]: new hardware at any old level makes the insertion code the whole instrumentation
            // service; neither the removal code nor 22849 is reported.
            lines.Add((insertion.Code, []));
            s.Apply("rule 2", $"new instrumentation {insertion.Code} at {insertion.Levels} overlaps the removed levels {levels} → {insertion.Code} only; {old} is not reported", "S1", "S2");
            s.Warnings.Add($"rule 2 (R2) [S1][S2]: new instrumentation {insertion.Code} at {insertion.Levels} overlaps the removed levels {levels}, so only the insertion code {insertion.Code} is reported; the {(old == CodingTables.Reinsertion ? "reinsertion" : "removal")} code {old} must not be billed as well.");
        }
        else
        {
            lines.Add((old, []));
            lines.Add((insertion.Code, []));
            s.Apply("rule 4", $"new instrumentation {insertion.Code} at {insertion.Levels} does not overlap the removed levels {levels} → {old} and {insertion.Code}", "S2");
            if (old == CodingTables.Reinsertion)
            {
                s.Warnings.Add($"rule 4 (R4) [S2]: R4 describes a removal with new hardware elsewhere; 22849 with new instrumentation {insertion.Code} at other levels is not covered by the clinical rules (docs/clinical-rules.md §8) and needs coder review.");
            }
        }

        // Modifier 52 (§1.3 [S5], rare ⚠): a partial removal is still the removal code; 52 only where the payer wants it.
        var removalLine = lines.FindIndex(l => CodingTables.IsRemoval(l.Code));
        if (!request.RemovedAll && removalLine >= 0)
        {
            if (options.ReducedServicesModifierForPartialRemoval)
            {
                lines[removalLine].Modifiers.Add(ReducedServicesModifier);
                s.Apply("modifier 52", $"partial removal → {ReducedServicesModifier} on {lines[removalLine].Code} (Coding:ReducedServicesModifierForPartialRemoval)", "S5");
                s.Warnings.Add($"modifier 52 ⚠ [S5]: part of the hardware stays in; 52 (reduced service) was added to {lines[removalLine].Code} because Coding:ReducedServicesModifierForPartialRemoval is on. Its use is rare: document what was left and why.");
            }
            else
            {
                s.Apply("modifier 52", "partial removal → no modifier (52 is rare ⚠ and off by default)", "S5");
                s.Warnings.Add($"modifier 52 ⚠ [S5]: part of the hardware stays in; 52 (reduced service) is rare and was not added to {lines[removalLine].Code}. The coder decides whether the payer wants it.");
            }
        }

        if (insertion is not null)
        {
            InsertionNotes(insertion, s);
            if (lines.Count == 2)
            {
                PlaceDistinctModifier(lines, options, s);
            }
        }

        var reported = lines[0].Code;
        if (reported == old)
        {
            // R5 [S1][S3]: not decidable from this request (it does not list arthrodesis, decompression or exploration).
            s.Apply("R5", $"reminder: 51 on {old} when reported with arthrodesis, decompression or exploration", "S1", "S3");
            s.Warnings.Add($"R5 [S1][S3]: if {old} is reported with arthrodesis, decompression or exploration in the same session, append modifier 51 to {old}.");
            if (old != CodingTables.Reinsertion)
            {
                // Rule 5 ⚠ [S7]: the intent, not the act, decides between exploration and removal.
                s.Apply("rule 5", $"reminder: removal as the goal → {old}; removal only to inspect the fusion → 22830", "S7");
                s.Warnings.Add($"rule 5 ⚠ [S7]: {old} assumes removing the hardware was the goal; if it was removed only to explore the fusion, code 22830 instead.");
            }
            s.Apply("rule 9", $"no LT/RT/50 on {old}: midline code, one unit per session", "S7");
        }

        return [.. lines.Select(l => new CptLine(l.Code, l.Modifiers))];
    }

    private static void InsertionNotes(NewInstrumentation insertion, State s)
    {
        var info = CodingTables.Find(insertion.Code)!;
        s.Warnings.Add($"[S4] {insertion.Code} is an add-on code: report it with its primary procedure (e.g. the arthrodesis), which this suggestion does not include.");
        if (insertion.Code == "22841")
        {
            s.Warnings.Add("22841 is not described in the clinical rules (docs/clinical-rules.md §8): check the code and whether the payer pays it separately.");
        }
        if (info.MinSegments is { } min)
        {
            var count = insertion.Levels.LevelCount - (insertion.Levels.To.IsIlium ? 1 : 0);
            if (count < min || info.MaxSegments is { } max && count > max)
            {
                var range = info.MaxSegments is { } m ? $"{min} to {m}" : $"{min} or more";
                s.Warnings.Add($"[{info.Source}]{(info.Verified ? "" : " ⚠")} {insertion.Code} describes {range} vertebral segments but {insertion.Levels} spans {count}: check the insertion code.");
            }
        }
    }

    /// <summary>
    /// Rule 4 / R4 [S2]: 59 (or an X-modifier ⚠ payer) goes on the lower-valued of the two codes. Which one that is
    /// depends on the year's relative values (rule 10 ⚠); without them the coder places it, never a guess.
    /// </summary>
    private static void PlaceDistinctModifier(List<(string Code, List<string> Modifiers)> lines, CodingOptions options, State s)
    {
        var modifier = options.DistinctProcedureModifier;
        var (a, b) = (lines[0], lines[1]);
        if (options.RelativeValues.TryGetValue(a.Code, out var va) && options.RelativeValues.TryGetValue(b.Code, out var vb))
        {
            if (va == vb)
            {
                s.Apply("rule 4", $"{a.Code} and {b.Code} have equal loaded relative values ({Rvu(va)}) → {modifier} not placed", "S2");
                s.Warnings.Add($"rule 4 (R4) [S2] ⚠: {a.Code} and {b.Code} have the same loaded relative value ({Rvu(va)}); the coder must place {modifier} on the code the payer treats as lower-valued.");
                return;
            }
            var lower = va < vb ? a : b;
            lower.Modifiers.Add(modifier);
            s.Apply("rule 10", $"loaded relative values {a.Code} {Rvu(va)}, {b.Code} {Rvu(vb)} → {modifier} on {lower.Code}", "S2");
            s.Warnings.Add($"rule 4 (R4) [S2] ⚠: the removed and the new levels do not overlap, so both codes are reported; {modifier} is on {lower.Code}, the lower-valued code by the configured relative values ({a.Code} {Rvu(va)}, {b.Code} {Rvu(vb)}; rule 10: confirm they are this year's). 59 vs an X-modifier is payer preference.");
            return;
        }
        s.Apply("rule 10", $"no relative values loaded for {a.Code} and {b.Code} → {modifier} left to the coder", "S2", "S8");
        s.Warnings.Add($"rule 4 (R4) [S2] ⚠: the removed and the new levels do not overlap, so both {a.Code} and {b.Code} are reported. Modifier {modifier} (or XS, payer preference) belongs on the lower-valued code, and no relative values are loaded (rule 10: load them yearly from the CMS fee schedule), so it was not placed: the coder must add {modifier} to whichever of {a.Code} and {b.Code} is lower-valued.");
    }

    private static string? GlobalPeriod(List<CptLine> cpt, CodingOptions options, State s)
    {
        // Rule 7 ⚠ [S3][S5]: the removal (or reinsertion) code carries the global period; an add-on insertion code does not.
        var main = cpt.FirstOrDefault(c => !CodingTables.IsInsertion(c.Code));
        if (main is null)
        {
            return null;
        }
        if (options.GlobalPeriods.TryGetValue(main.Code, out var period))
        {
            s.Apply("rule 7", $"{main.Code} global period {period}", "S3", "S5");
            s.Warnings.Add(period == "090"
                ? $"rule 7 ⚠ [S3][S5]: {main.Code} has a 090 global period (the day before, the day of surgery and 90 days after; related visits and complications not needing a return to the OR are included). Confirm it yearly in the CMS fee schedule file."
                : $"rule 7 ⚠ [S3][S5]: {main.Code} has a {period} global period (configured). Confirm it yearly in the CMS fee schedule file.");
            return period;
        }
        s.Apply("rule 7", $"{main.Code}: no global period loaded", "S5");
        s.Warnings.Add($"rule 7 ⚠ [S5]: no global period is loaded for {main.Code}; look it up in this year's CMS fee schedule file.");
        return null;
    }

    private static List<IcdLine> Icd(List<IndicationInfo> indications, CodingOptions options, State s)
    {
        var icd = new List<IcdLine>();
        if (indications.Count == 0)
        {
            s.Warnings.Add("rule 12 ⚠: no indication given, so no ICD-10-CM code is suggested.");
            return icd;
        }
        foreach (var info in indications)
        {
            // Rule 12 ⚠ [S9][S11][S12]: the indication's default candidate; the rest are named for the coder.
            var primary = info.Candidates.FirstOrDefault(c => c.When.StartsWith("default", StringComparison.Ordinal)) ?? info.Candidates[0];
            if (icd.All(i => i.Code != primary.Code))
            {
                icd.Add(new IcdLine(primary.Code, primary.Title, info.Key, info.Source));
            }
            var others = info.Candidates.Where(c => c != primary).Select(c => $"{c.Code} ({c.When})").ToList();
            s.Apply("rule 12", $"{info.Key} → {primary.Code}", info.Source);
            s.Warnings.Add($"rule 12 ⚠ [{info.Source}]: {info.Key} → {primary.Code} ({primary.When}) is a suggestion for coder review"
                + (others.Count > 0 ? $"; alternatives: {string.Join("; ", others)}." : "."));
            if (info.Key == "infection")
            {
                s.Apply("rule 12", "device infection → T84.6-/T84.7; T81.4x only for a separate incisional SSI", "S11");
                s.Warnings.Add("rule 12 ⚠ [S11]: T81.4 Excludes2 lists device infections; add a T81.4x code only for a separately documented incisional SSI (coder decision).");
            }
        }

        if (icd.Any(i => i.Code.StartsWith("T84", StringComparison.Ordinal)))
        {
            // Rule 11 [S10]: the removal is active treatment of the complication → 7th character A (already on the table's codes).
            s.Apply("rule 11", "T84 codes carry 7th character A (surgery is active treatment)", "S10");
        }

        // Rule 13 [S12]: Z47.2 Excludes1 T84.6- and T84.1-; T84.2- is coder practice ⚠ (configurable).
        var z472 = icd.FindIndex(i => i.Code == "Z47.2");
        if (z472 >= 0)
        {
            var z = icd[z472];
            var excludes1 = icd.FirstOrDefault(i => i.Code.StartsWith("T84.6", StringComparison.Ordinal) || i.Code.StartsWith("T84.1", StringComparison.Ordinal));
            var vertebral = icd.FirstOrDefault(i => i.Code.StartsWith("T84.2", StringComparison.Ordinal));
            if (excludes1 is not null)
            {
                icd.RemoveAt(z472);
                s.Apply("rule 13", $"Z47.2 dropped: Excludes1 with {excludes1.Code}", "S12");
                s.Warnings.Add($"rule 13 [S12]: Z47.2 (from {z.Indication}) was dropped: Z47.2 Excludes1 lists {excludes1.Code[..5]}- and {excludes1.Code} is coded for {excludes1.Indication}.");
            }
            else if (vertebral is not null && options.DropZ472WithVertebralMechanicalComplication)
            {
                icd.RemoveAt(z472);
                s.Apply("rule 13", $"Z47.2 dropped next to {vertebral.Code} (coder practice ⚠, configured)", "S12");
                s.Warnings.Add($"rule 13 ⚠ [S12]: Z47.2 was dropped next to {vertebral.Code} ({vertebral.Indication}): extending Z47.2's Excludes1 to T84.2- is coder practice, switched on by Coding:DropZ472WithVertebralMechanicalComplication.");
            }
            else if (vertebral is not null)
            {
                s.Apply("rule 13", $"Z47.2 kept next to {vertebral.Code} (coder practice ⚠)", "S12");
                s.Warnings.Add($"rule 13 ⚠ [S12]: Z47.2 is suggested together with {vertebral.Code} ({vertebral.Indication}); Excludes1 names T84.6- and T84.1-, and coder practice often extends it to T84.2-: the coder should keep only one.");
            }
        }
        return icd;
    }

    /// <summary>The combinations the source list (docs/clinical-rules.md) forbids can never leave the engine, whatever a later edit does above.</summary>
    private static void Guard(CodingRequest request, List<CptLine> cpt)
    {
        var codes = cpt.Select(c => c.Code).ToList();
        var oldConstruct = codes.Where(c => CodingTables.IsRemoval(c) || c == CodingTables.Reinsertion).ToList();
        if (codes.Contains(CodingTables.Reinsertion) && codes.Any(CodingTables.IsRemoval))
        {
            throw new InvalidOperationException("rule 3 (R3): 22849 reported with a removal code at the same levels");
        }
        if (request.NewInstrumentation is { } n && request.Levels.Overlaps(n.Levels) && oldConstruct.Count > 0)
        {
            throw new InvalidOperationException($"rule 2 (R2): {oldConstruct[0]} reported with overlapping new instrumentation {n.Code}");
        }
        if (cpt.SelectMany(c => c.Modifiers).Any(LateralityModifiers.Contains))
        {
            throw new InvalidOperationException("rule 9: laterality modifier on a midline code");
        }
        if (codes.Distinct(StringComparer.Ordinal).Count() != codes.Count)
        {
            throw new InvalidOperationException("rule 9: a code reported twice (one unit per session)");
        }
    }

    private static string Rvu(decimal v) => v.ToString("0.00", CultureInfo.InvariantCulture);

    private static int SourceNumber(string id) =>
        int.TryParse(id.AsSpan(1).TrimEnd('r'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
}
