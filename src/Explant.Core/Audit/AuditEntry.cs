namespace Explant.Core.Audit;

/// <summary>One recorded write: who, when, what, before → after. Rows are only ever inserted.</summary>
public sealed class AuditEntry
{
    private AuditEntry() { }

    public long Id { get; private set; }
    public DateTime AtUtc { get; private set; }
    public string Actor { get; private set; } = "";
    public string Entity { get; private set; } = "";
    public string EntityKey { get; private set; } = "";
    public string Action { get; private set; } = "";
    public string? Before { get; private set; }
    public string? After { get; private set; }

    internal static AuditEntry Record(DateTime atUtc, string actor, string entity, string key, string action, string? before, string? after) =>
        new() { AtUtc = atUtc, Actor = actor, Entity = entity, EntityKey = key, Action = action, Before = before, After = after };
}

/// <summary>Who is acting: a signed-in user in the web tier, the OS user in the CLI.</summary>
public interface IActor
{
    string Name { get; }
}

public sealed class FixedActor(string name) : IActor
{
    public string Name { get; } = name;
}
