using Explant.Core.Auth;
using Explant.Core.Cases;
using Explant.Core.Data;
using Explant.Core.Tests.Cases;
using Explant.Core.Theatre;

namespace Explant.Core.Tests.Theatre;

/// <summary>The operative note: draft, edit, sign once, then only dated addenda (issue #7 §3).</summary>
public sealed class OperativeNoteTests
{
    private static readonly DateTime Generated = new(2025, 3, 10, 11, 0, 0, DateTimeKind.Utc);

    private static readonly (string Key, string Title, string Text)[] Sections =
    [
        ("procedure", "Procedure", "Removal of posterior segmental instrumentation L3–L5"),
        ("findings", "Findings", "Solid fusion L3–L5"),
    ];

    /// <summary>The case's surgeon (CaseBuilder opens every case for Actors.Surgeon).</summary>
    private static readonly string Surgeon = Actors.Surgeon.Name;

    private static OperativeNote Draft() => OperativeNote.Draft(CaseBuilder.ACase().Build(), Sections, Generated);

    private static OperativeNote SignedNote()
    {
        var note = Draft();
        note.Sign(Actors.Surgeon, Generated.AddMinutes(30), recordClosed: true, Surgeon);
        return note;
    }

    [Fact]
    public void A_draft_carries_the_generated_sections_and_is_not_signed()
    {
        var note = Draft();
        Assert.Equal(41, note.CaseNumber);
        Assert.Equal(["procedure", "findings"], note.Sections.Select(s => s.Key));
        Assert.Equal("Solid fusion L3–L5", note.Sections[1].Text);
        Assert.False(note.Signed);
        Assert.Null(note.SignedBy);
        Assert.Equal(Generated, note.GeneratedUtc);
    }

    [Fact]
    public void The_surgeon_edits_a_section_of_the_draft()
    {
        var note = Draft();
        note.Edit("findings", "  Solid fusion L3–L5; L4 left screw loose  ", Actors.Surgeon);
        Assert.Equal("Solid fusion L3–L5; L4 left screw loose", note.Sections[1].Text);
        var e = Assert.Throws<ValidationException>(() => note.Edit("complications", "none", Actors.Surgeon));
        Assert.True(e.Errors.ContainsKey("key"));
    }

    [Fact]
    public void The_note_is_signed_only_after_the_record_is_closed()
    {
        var note = Draft();
        var e = Assert.Throws<DomainRuleException>(() => note.Sign(Actors.Surgeon, Generated.AddMinutes(5), recordClosed: false, Surgeon));
        Assert.Equal("note-after-out-of-room", e.Rule);
        Assert.False(note.Signed);

        var at = Generated.AddMinutes(30);
        note.Sign(Actors.Surgeon, at, recordClosed: true, Surgeon);
        Assert.True(note.Signed);
        Assert.Equal(Actors.Surgeon.Name, note.SignedBy);
        Assert.Equal(at, note.SignedAtUtc);
    }

    [Fact]
    public void A_real_record_closes_for_signing_when_the_patient_leaves_the_room()
    {
        var rig = new TheatreRig().Through(Milestone.ClosureEnd);
        var note = OperativeNote.Draft(rig.Case, Sections, rig.Now());
        Assert.Equal("note-after-out-of-room", Assert.Throws<DomainRuleException>(() => note.Sign(Actors.Surgeon, rig.Now(), rig.Record.Closed, rig.Case.Surgeon)).Rule);
        rig.Through(Milestone.OutOfRoom);
        note.Sign(Actors.Surgeon, rig.Now(), rig.Record.Closed, rig.Case.Surgeon);
        Assert.True(note.Signed);
    }

    [Fact]
    public void A_signed_note_cannot_be_edited()
    {
        var note = SignedNote();
        var e = Assert.Throws<DomainRuleException>(() => note.Edit("findings", "pseudarthrosis", Actors.Surgeon));
        Assert.Equal("note-signed", e.Rule);
        Assert.Equal("Solid fusion L3–L5", note.Sections[1].Text);
    }

    [Fact]
    public void A_signed_note_cannot_be_regenerated()
    {
        var note = SignedNote();
        var e = Assert.Throws<DomainRuleException>(() => note.Regenerate([("procedure", "Procedure", "something else")], Actors.Surgeon, Generated.AddHours(2)));
        Assert.Equal("note-signed", e.Rule);
        Assert.Equal(2, note.Sections.Count);
        Assert.Equal(Generated, note.GeneratedUtc);
    }

    [Fact]
    public void A_signed_note_cannot_be_signed_again()
    {
        var note = SignedNote();
        var first = note.SignedAtUtc;
        var e = Assert.Throws<DomainRuleException>(() => note.Sign(Actors.Surgeon, Generated.AddHours(3), recordClosed: true, Surgeon));
        Assert.Equal("note-signed", e.Rule);
        Assert.Equal(Actors.Surgeon.Name, note.SignedBy);
        Assert.Equal(first, note.SignedAtUtc);
    }

    [Fact]
    public void A_draft_is_regenerated_with_fresh_text()
    {
        var note = Draft();
        var at = Generated.AddMinutes(10);
        note.Regenerate([("procedure", "Procedure", "Removal L3–L4")], Actors.Surgeon, at);
        Assert.Equal("Removal L3–L4", Assert.Single(note.Sections).Text);
        Assert.Equal(at, note.GeneratedUtc);
    }

    [Fact]
    public void An_addendum_is_refused_on_a_draft()
    {
        var note = Draft();
        var e = Assert.Throws<DomainRuleException>(() => note.AddAddendum("forgot the drain", Actors.Surgeon, Generated.AddHours(1)));
        Assert.Equal("addendum-after-signing", e.Rule);
        Assert.Empty(note.Addenda);
    }

    [Fact]
    public void Addenda_are_appended_with_author_and_time_and_leave_the_signed_text_alone()
    {
        var note = SignedNote();
        var other = new CaseActor("Dr Second", [Roles.Surgeon]);
        note.AddAddendum("  Drain left in situ  ", Actors.Surgeon, Generated.AddHours(2));
        note.AddAddendum("Culture results pending", other, Generated.AddHours(5));
        Assert.Collection(note.Addenda,
            a => { Assert.Equal("Drain left in situ", a.Text); Assert.Equal(Actors.Surgeon.Name, a.By); Assert.Equal(Generated.AddHours(2), a.AtUtc); },
            a => { Assert.Equal("Culture results pending", a.Text); Assert.Equal("Dr Second", a.By); Assert.Equal(Generated.AddHours(5), a.AtUtc); });
        Assert.Equal(["Removal of posterior segmental instrumentation L3–L5", "Solid fusion L3–L5"], note.Sections.Select(s => s.Text));
        Assert.Equal(Actors.Surgeon.Name, note.SignedBy);
    }

    [Fact]
    public void An_empty_addendum_is_a_validation_error()
    {
        var note = SignedNote();
        Assert.True(Assert.Throws<ValidationException>(() => note.AddAddendum("  ", Actors.Surgeon, Generated.AddHours(1))).Errors.ContainsKey("text"));
        Assert.Empty(note.Addenda);
    }

    [Theory]
    [InlineData(Roles.Nurse)]
    [InlineData(Roles.Anesthesiologist)]
    [InlineData(Roles.Admin)]
    public void Only_a_surgeon_writes_edits_signs_and_adds_to_the_note(string role)
    {
        var actor = Actors.Only(role);
        var draft = Draft();
        var e = Assert.Throws<DomainRuleException>(() => draft.Edit("findings", "x", actor));
        Assert.Equal("role:note", e.Rule);
        Assert.True(e.Forbidden);
        Assert.Equal("role:note", Assert.Throws<DomainRuleException>(() => draft.Regenerate(Sections, actor, Generated)).Rule);
        Assert.Equal("role:note", Assert.Throws<DomainRuleException>(() => draft.Sign(actor, Generated, recordClosed: true, Surgeon)).Rule);
        Assert.False(draft.Signed);

        var signed = SignedNote();
        Assert.Equal("role:addendum", Assert.Throws<DomainRuleException>(() => signed.AddAddendum("x", actor, Generated)).Rule);
        Assert.Empty(signed.Addenda);
    }

    [Fact]
    public void Only_the_cases_own_surgeon_signs_the_note()
    {
        var draft = Draft();
        var other = new CaseActor("Dr Second", [Roles.Surgeon]);
        var e = Assert.Throws<DomainRuleException>(() => draft.Sign(other, Generated.AddHours(1), recordClosed: true, Surgeon));
        Assert.Equal("note-own-surgeon", e.Rule);
        Assert.True(e.Forbidden);
        Assert.False(draft.Signed);

        // The account name is matched without regard to case (e-mail addresses).
        draft.Sign(new CaseActor(Surgeon.ToUpperInvariant(), [Roles.Surgeon]), Generated.AddHours(1), recordClosed: true, Surgeon);
        Assert.True(draft.Signed);
    }
}
