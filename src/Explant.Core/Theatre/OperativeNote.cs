using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Documents;

namespace Explant.Core.Theatre;

public sealed class NoteSection
{
    public string Key { get; set; } = "";
    public string Title { get; set; } = "";
    public string Text { get; set; } = "";
}

public sealed class Addendum
{
    public string Text { get; set; } = "";
    public string By { get; set; } = "";
    public DateTime AtUtc { get; set; }
}

/// <summary>
/// The operative note: a draft generated from the record, edited by the surgeon, then signed. A signed note never
/// changes; corrections are dated addenda (issue #7 §3) — the medico-legal record must show what was signed.
/// </summary>
public sealed class OperativeNote : IVersioned
{
    private OperativeNote() { }

    public Guid Id { get; private set; }
    public Guid CaseId { get; private set; }
    public int CaseNumber { get; private set; }
    public List<NoteSection> Sections { get; private set; } = [];
    public DateTime GeneratedUtc { get; private set; }
    public string? SignedBy { get; private set; }
    public DateTime? SignedAtUtc { get; private set; }
    public List<Addendum> Addenda { get; private set; } = [];
    public long Revision { get; set; }

    public bool Signed => SignedAtUtc is not null;

    public static OperativeNote Draft(SurgicalCase c, IEnumerable<(string Key, string Title, string Text)> sections, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new OperativeNote
        {
            Id = Guid.CreateVersion7(), CaseId = c.Id, CaseNumber = c.Number, GeneratedUtc = nowUtc,
            Sections = [.. sections.Select(s => new NoteSection { Key = s.Key, Title = s.Title, Text = s.Text })],
        };
    }

    /// <summary>Replaces the draft's text with a fresh generation (e.g. after the record changed); refused once signed.</summary>
    public void Regenerate(IEnumerable<(string Key, string Title, string Text)> sections, CaseActor actor, DateTime nowUtc)
    {
        RequireSurgeon(actor, "note");
        RequireDraft();
        Sections = [.. sections.Select(s => new NoteSection { Key = s.Key, Title = s.Title, Text = s.Text })];
        GeneratedUtc = nowUtc;
    }

    public void Edit(string key, string text, CaseActor actor)
    {
        RequireSurgeon(actor, "note");
        RequireDraft();
        var section = Sections.FirstOrDefault(s => s.Key == key)
            ?? throw new ValidationException(new Dictionary<string, string[]> { ["key"] = [$"'{key}' is not a section ({string.Join(", ", Sections.Select(s => s.Key))})"] });
        section.Text = text?.Trim() ?? "";
    }

    /// <summary>Edits several sections at once; an unknown key refuses the whole edit (nothing half-saved).</summary>
    public void EditAll(IReadOnlyDictionary<string, string> texts, CaseActor actor)
    {
        ArgumentNullException.ThrowIfNull(texts);
        RequireSurgeon(actor, "note");
        RequireDraft();
        var unknown = texts.Keys.Where(k => Sections.All(s => s.Key != k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ValidationException(new Dictionary<string, string[]>
            {
                ["sections"] = [$"not sections of this note: {string.Join(", ", unknown)} (sections: {string.Join(", ", Sections.Select(s => s.Key))})"],
            });
        }
        foreach (var section in Sections.Where(s => texts.ContainsKey(s.Key)))
        {
            section.Text = texts[section.Key]?.Trim() ?? "";
        }
    }

    /// <summary>
    /// Signs the draft. Only the case's own surgeon (<paramref name="caseSurgeon"/>, the account name on the case)
    /// signs: the signature attests "I did this operation", which another surgeon cannot.
    /// </summary>
    public void Sign(CaseActor actor, DateTime nowUtc, bool recordClosed, string caseSurgeon)
    {
        RequireSurgeon(actor, "note");
        if (!string.Equals(actor.Name, caseSurgeon, StringComparison.OrdinalIgnoreCase))
        {
            throw new DomainRuleException("note-own-surgeon", $"the operative note of case {CaseNumber} is signed by its surgeon {caseSurgeon}, not {actor.Name}", forbidden: true);
        }
        RequireDraft();
        if (!recordClosed)
        {
            throw new DomainRuleException("note-after-out-of-room", "the note is signed after the patient has left the room (the record is complete then)");
        }
        SignedBy = actor.Name;
        SignedAtUtc = nowUtc;
    }

    public void AddAddendum(string text, CaseActor actor, DateTime nowUtc)
    {
        RequireSurgeon(actor, "addendum");
        if (!Signed)
        {
            throw new DomainRuleException("addendum-after-signing", "the note is still a draft: edit it instead of adding an addendum");
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["text"] = ["required"] });
        }
        Addenda.Add(new Addendum { Text = text.Trim(), By = actor.Name, AtUtc = nowUtc });
    }

    private void RequireDraft()
    {
        if (Signed)
        {
            throw new DomainRuleException("note-signed", $"the note was signed by {SignedBy} at {SignedAtUtc:yyyy-MM-dd HH:mm} UTC and cannot change; add a dated addendum");
        }
    }

    private static void RequireSurgeon(CaseActor actor, string what)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsIn([Roles.Surgeon]))
        {
            throw new DomainRuleException($"role:{what}", $"the operative {what} is written by a surgeon", forbidden: true);
        }
    }

    public byte[] ToPdf(string hospital, Func<DateTime, string> local)
    {
        ArgumentNullException.ThrowIfNull(local);
        using var pdf = new FlowPdf($"Operative note case {CaseNumber}", $"{hospital} — operative note, case {CaseNumber}");
        pdf.Title($"Operative note — case {CaseNumber}");
        pdf.Paragraph(Signed ? $"Signed by {SignedBy} at {local(SignedAtUtc!.Value)}" : "DRAFT — not signed");
        foreach (var s in Sections)
        {
            pdf.Heading(s.Title);
            foreach (var line in s.Text.Split('\n'))
            {
                pdf.Paragraph(line);
            }
        }
        foreach (var a in Addenda)
        {
            pdf.Heading($"Addendum {local(a.AtUtc)} — {a.By}");
            pdf.Paragraph(a.Text);
        }
        return pdf.ToBytes();
    }
}
