using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Explant.Core.Audit;

/// <summary>
/// Appends an <see cref="AuditEntry"/> for every added, modified or deleted entity in the same SaveChanges,
/// so the change and its audit row commit or fail together (the rows are inserted by
/// <see cref="Data.ExplantDbContext.SaveChangesAsync(bool, CancellationToken)"/>, in the save's transaction). Keys are client-generated (Guid v7) precisely so
/// that they are known here, before the insert.
/// </summary>
public sealed class AuditInterceptor(IActor actor, TimeProvider clock) : SaveChangesInterceptor
{
    // Secrets never reach the audit log; their change is recorded, their value is not.
    private static bool IsSecret(object entity, string property) =>
        property is "PasswordHash" or "SecurityStamp"
        || (entity is Microsoft.AspNetCore.Identity.IdentityUserToken<string> && property == "Value")
        || (entity is Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey && property == "Xml");

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Append(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Append(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Append(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        BumpRevisions(context);
        var now = clock.GetUtcNow().UtcDateTime;
        var entries = context.ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .ToList();
        var rows = new List<AuditEntry>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.Entity is AuditEntry)
            {
                if (entry.State != EntityState.Added)
                {
                    throw new InvalidOperationException("the audit log is append-only: audit entries cannot be changed or deleted");
                }
                continue;
            }
            if (entry.Entity is AccessLogEntry)
            {
                // The access log is itself a log (and pruned by retention); auditing its rows would double every read.
                continue;
            }
            var action = entry.State switch
            {
                EntityState.Added => "created",
                EntityState.Deleted => "deleted",
                _ => "updated",
            };
            var before = entry.State == EntityState.Added ? null : Snapshot(entry, original: true);
            var after = entry.State == EntityState.Deleted ? null : Snapshot(entry, original: false);
            rows.Add(AuditEntry.Record(now, actor.Name, entry.Metadata.ClrType.Name, KeyOf(entry), action, before, after));
        }
        // Inserted by the save, after the change and in its transaction (ExplantDbContext.SaveChangesAsync); the
        // interceptor is registered on that context only.
        var explant = context as Data.ExplantDbContext ?? throw new InvalidOperationException($"the audit interceptor serves ExplantDbContext, not {context.GetType().Name}");
        explant.PendingAudit = rows;
    }

    /// <summary>
    /// Every changed aggregate gets Revision + 1, also when only an owned part (a JSON collection) changed,
    /// so a concurrent writer holding the old revision fails instead of silently overwriting.
    /// Linear in the tracked entries (issue #17 §3): the tracker is read once, and an owned entry finds its owner
    /// through an index by entity type and key instead of a scan of every entry (which made large saves quadratic).
    /// </summary>
    private static void BumpRevisions(DbContext context)
    {
        var all = context.ChangeTracker.Entries().ToList();
        Dictionary<(IReadOnlyEntityType, string), EntityEntry>? byKey = null;
        var roots = new HashSet<EntityEntry>(ReferenceEqualityComparer.Instance);
        foreach (var entry in all)
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }
            var root = entry.Metadata.FindOwnership() is null ? entry : RootOf(entry, byKey ??= Index(all));
            if (root is { Entity: Data.IVersioned, State: EntityState.Modified or EntityState.Unchanged })
            {
                roots.Add(root);
            }
        }
        foreach (var root in roots)
        {
            var revision = root.Property(nameof(Data.IVersioned.Revision));
            revision.CurrentValue = (long)revision.OriginalValue! + 1;
        }
    }

    private static Dictionary<(IReadOnlyEntityType, string), EntityEntry> Index(List<EntityEntry> entries)
    {
        var index = new Dictionary<(IReadOnlyEntityType, string), EntityEntry>();
        foreach (var e in entries)
        {
            if (e.Metadata.FindPrimaryKey() is { } key)
            {
                index.TryAdd((e.Metadata, KeyText(key.Properties.Select(k => e.Property(k.Name).CurrentValue))), e);
            }
        }
        return index;
    }

    private static string KeyText(IEnumerable<object?> values) =>
        string.Join("\u001f", values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)));

    private static EntityEntry? RootOf(EntityEntry entry, Dictionary<(IReadOnlyEntityType, string), EntityEntry> byKey)
    {
        var current = entry;
        while (current.Metadata.FindOwnership() is { } ownership)
        {
            var useOriginal = current.State == EntityState.Deleted;
            var fk = ownership.Properties.Select(p => useOriginal ? current.Property(p.Name).OriginalValue : current.Property(p.Name).CurrentValue);
            // The principal's key in the same order as the foreign key (the ownership's principal key).
            if (!byKey.TryGetValue((ownership.PrincipalEntityType, KeyText(fk)), out var principal)
                || !ownership.PrincipalKey.Properties.Select(k => k.Name).SequenceEqual(principal.Metadata.FindPrimaryKey()!.Properties.Select(k => k.Name)))
            {
                return null;
            }
            current = principal;
        }
        return current;
    }

    private static string KeyOf(EntityEntry entry)
    {
        var key = entry.Metadata.FindPrimaryKey();
        return key is null ? "" : AuditKey([.. key.Properties.Select(p => entry.Property(p.Name).CurrentValue)]);
    }

    private static string AuditKey(IReadOnlyList<object?> values) =>
        string.Join("|", values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)));

    // Enum names, not numbers: an auditor reads "State":"Assessed".
    private static readonly JsonSerializerOptions SnapshotJson = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private static string Snapshot(EntityEntry entry, bool original)
    {
        // For updates only the changed columns are interesting; for inserts and deletes, everything.
        var properties = entry.Properties.Where(p => entry.State != EntityState.Modified || p.IsModified)
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, SnapshotWriterOptions))
        {
            WriteSnapshot(writer, entry.Entity, [.. properties.Select(p => p.Metadata.Name)], [.. properties.Select(p => original ? p.OriginalValue : p.CurrentValue)]);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The time an audit row is stamped with, from the same clock as the rows this interceptor makes.</summary>
    internal DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// The row this interceptor records for an added entry, for an entity inserted without the tracker
    /// (<see cref="Data.GraphInserter"/>): same actor, entity name and key text; <paramref name="after"/> written by
    /// <see cref="WriteSnapshot"/>.
    /// </summary>
    internal AuditEntry Created(DateTime now, object entity, IReadOnlyList<object?> key, string after) =>
        AuditEntry.Record(now, actor.Name, entity.GetType().Name, AuditKey(key), "created", null, after);

    /// <summary>
    /// An audit snapshot, for this interceptor and for <see cref="Data.GraphInserter"/>: every property's name in ordinal
    /// order with its value, each written by the serializer with enum names, secrets redacted. Names and values come as
    /// lists rather than a dictionary: the demo cohort writes 270,000 snapshots.
    /// </summary>
    internal static void WriteSnapshot(Utf8JsonWriter writer, object entity, IReadOnlyList<string> sortedNames, IReadOnlyList<object?> values)
    {
        writer.WriteStartObject();
        for (var i = 0; i < sortedNames.Count; i++)
        {
            writer.WritePropertyName(sortedNames[i]);
            JsonSerializer.Serialize(writer, IsSecret(entity, sortedNames[i]) ? "[redacted]" : values[i], SnapshotJson);
        }
        writer.WriteEndObject();
    }

    /// <summary>The writer options of <see cref="WriteSnapshot"/>: the serializer options' encoder, no indentation.</summary>
    internal static JsonWriterOptions SnapshotWriterOptions => new() { Encoder = SnapshotJson.Encoder, Indented = false };
}
