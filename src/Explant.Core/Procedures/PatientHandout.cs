using Explant.Core.Documents;

namespace Explant.Core.Procedures;

public sealed record HandoutSection(string Heading, IReadOnlyList<string> Paragraphs, IReadOnlyList<string> Bullets);

/// <summary>
/// The patient-facing reading of a definition: plain-language headings over the definition's own text.
/// One model feeds the printable page and the PDF so the two never drift apart.
/// </summary>
public sealed record PatientHandout(string Title, string Code, int Version, IReadOnlyList<HandoutSection> Sections, string Footnote)
{
    public const string WhatItIs = "What is this operation?";
    public const string WhyItIsDone = "Why is it done?";
    public const string HowToPrepare = "How to prepare";
    public const string WhatHappens = "What happens during the operation";
    public const string Risks = "Risks";
    public const string Benefits = "Benefits";
    public const string Recovery = "Recovery";
    public const string Alternatives = "Alternatives";
    public const string Experience = "What you will experience";

    public static PatientHandout From(ProcedureDocument doc, int version)
    {
        ArgumentNullException.ThrowIfNull(doc);
        List<string> Paras(params string[] headings) =>
            [.. headings.Select(doc.Section).Where(s => s is not null).SelectMany(s => s!.Paragraphs.Select(p => p.Text))];
        List<string> Bullets(string heading) => [.. doc.Section(heading)?.Items.Select(i => i.Text) ?? []];

        var sections = new List<HandoutSection>
        {
            new(WhatItIs, Paras(SectionHeadings.Summary), []),
            new(WhyItIsDone, Paras(SectionHeadings.Purpose), Bullets(SectionHeadings.Indications)),
            new(HowToPrepare, Paras(SectionHeadings.Preparation), Bullets(SectionHeadings.Preparation)),
            new(WhatHappens, Paras(SectionHeadings.ProcedureDescription, SectionHeadings.Duration, SectionHeadings.Setting),
                Bullets(SectionHeadings.ProcedureDescription)),
            new(Risks, Paras(SectionHeadings.Risks), Bullets(SectionHeadings.Risks)),
            new(Benefits, Paras(SectionHeadings.Benefits), Bullets(SectionHeadings.Benefits)),
            new(Recovery, Paras(SectionHeadings.Recovery), Bullets(SectionHeadings.Recovery)),
            new(Alternatives, Paras(SectionHeadings.Alternatives), Bullets(SectionHeadings.Alternatives)),
            new(Experience, Paras(SectionHeadings.PatientExperience), []),
        };
        return new PatientHandout(
            doc.Name, doc.Code, version,
            [.. sections.Where(s => s.Paragraphs.Count > 0 || s.Bullets.Count > 0)],
            $"General information from Explant procedure definition {doc.Code}, version {version}. " +
            "Your care team will give you instructions that are specific to you; follow those where they differ.");
    }

    public byte[] ToPdf()
    {
        using var pdf = new FlowPdf(Title, $"Patient information \u2014 CPT {Code} v{Version}");
        pdf.Title(Title);
        foreach (var section in Sections)
        {
            pdf.Heading(section.Heading);
            foreach (var p in section.Paragraphs)
            {
                pdf.Paragraph(p);
            }
            foreach (var b in section.Bullets)
            {
                pdf.Bullet(b);
            }
        }
        pdf.Paragraph("");
        pdf.Paragraph(Footnote);
        return pdf.ToBytes();
    }
}
