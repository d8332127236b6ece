using System.Collections;
using System.Text.Json;
using Explant.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Explant.Core.Data;

/// <summary>
/// Inserts new aggregates — each a root entity with its owned parts in JSON columns — and their audit rows straight from
/// the EF model, without the change tracker. Used by the demo cohort only (issue #17 §4: at N = 20 years the launch
/// seeded 2,600 cases in 25–34 s, against 15 s). A profile of that seed put nearly all of it in SaveChanges: each case
/// is about 105 tracked entries, because every element of an owned JSON list (checklist ticks, transitions, explant
/// lines…) is an entity to EF, attached, snapshotted, detected, turned into a modification command and audited one by
/// one, while the aggregates themselves took a tenth of the time to build.
/// <para>
/// What it writes is what SaveChanges writes for the same objects, column for column and audit row for audit row: the
/// table and column names, the JSON property names and each value's JSON writer, the parameters' type mappings (value
/// converters included) all come from the model, and <c>GraphInserterTests</c> hands the same aggregates to both and
/// compares the databases. The audit rows come from <see cref="AuditInterceptor.Created"/>; the one difference is the
/// synthesized key of a JSON list element, which the tracker numbers with a temporary negative value before the insert
/// and this writes as the element's position (1, 2, …), the number EF gives it when it reads the list back.
/// </para>
/// Refused rather than guessed: an owned type not mapped to JSON, a shadow property that is not a key, a foreign key to
/// the owner or a stored fact (<see cref="ExplantDbContext.StoredFact"/>), a key left for EF or the database to generate, a non-owned navigation
/// that holds something. The demo's domain interceptors (metrics) do not run: the cohort is history, not today's activity.
/// </summary>
internal sealed class GraphInserter(ExplantDbContext db, AuditInterceptor audit)
{
    private readonly Dictionary<IEntityType, Table> tables = [];
    private readonly AuditTable auditTable = new(db.Model.FindEntityType(typeof(AuditEntry))!);

    /// <summary>The audit log's columns: every property but its generated key, as <see cref="RowInserter"/> writes them.</summary>
    private sealed class AuditTable
    {
        private readonly IProperty[] properties;

        public AuditTable(IEntityType type)
        {
            Id = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
            properties = [.. type.GetProperties().Where(p => !p.IsPrimaryKey())];
            Columns = [.. properties.Select(p => new InsertColumn(p.GetColumnName(Id)!, p.GetRelationalTypeMapping(), p.IsNullable))];
        }

        public StoreObjectIdentifier Id { get; }
        public InsertColumn[] Columns { get; }
        public object?[] Values(AuditEntry row) => [.. properties.Select(p => p.GetGetter().GetClrValueUsingContainingEntity(row))];
    }

    /// <summary>Inserts <paramref name="roots"/> (new aggregate roots, any order) and their audit rows in one transaction.</summary>
    public async Task InsertAsync(IReadOnlyList<object> roots, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var now = audit.Now;
        var rows = new Dictionary<IEntityType, List<object?[]>>();
        var auditRows = new List<AuditEntry>(roots.Count * 40);
        foreach (var root in roots)
        {
            var type = db.Model.FindEntityType(root.GetType()) ?? throw new NotSupportedException($"{root.GetType().Name} is not mapped");
            var table = TableOf(type);
            if (!rows.TryGetValue(type, out var list))
            {
                rows[type] = list = [];
            }
            list.Add(table.Row(root, now, auditRows));
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var type in DependencyOrder(rows.Keys))
        {
            var table = tables[type];
            await InsertAsync(table.Id, table.Columns, rows[type], ct);
        }
        await InsertAsync(auditTable.Id, auditTable.Columns, [.. auditRows.Select(auditTable.Values)], ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// One prepared single-row INSERT per table, run once per row on the save's connection and transaction. SQLite keeps
    /// the statement compiled between runs; a multi-row statement (<see cref="RowInserter"/>) would be compiled afresh for
    /// every chunk of rows and bind its parameters by name among hundreds, and EF's command pipeline around each
    /// statement (logging, diagnostics) adds more than the insert itself costs. Values go through each column's type
    /// mapping (<c>CreateParameter</c>: value converters, provider types), as SaveChanges's parameters do.
    /// </summary>
    private async Task InsertAsync(StoreObjectIdentifier table, IReadOnlyList<InsertColumn> columns, IReadOnlyList<object?[]> rows, CancellationToken ct)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        var names = columns.Select((_, i) => sql.GenerateParameterName("p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        command.CommandText = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Name)))}) VALUES ({string.Join(", ", names)})";
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            for (var c = 0; c < columns.Count; c++)
            {
                command.Parameters.Add(columns[c].Mapping.CreateParameter(command, names[c], row[c], columns[c].Nullable));
            }
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private Table TableOf(IEntityType type)
    {
        if (!tables.TryGetValue(type, out var table))
        {
            tables[type] = table = new Table(type, audit);
        }
        return table;
    }

    /// <summary>Principals before dependents (foreign keys between the batch's own tables), as SaveChanges orders its commands.</summary>
    private static List<IEntityType> DependencyOrder(IEnumerable<IEntityType> types)
    {
        var present = types.ToHashSet();
        var ordered = new List<IEntityType>();
        var visiting = new HashSet<IEntityType>();
        void Visit(IEntityType type)
        {
            if (ordered.Contains(type))
            {
                return;
            }
            if (!visiting.Add(type))
            {
                throw new NotSupportedException($"the foreign keys of {type.ClrType.Name} form a cycle; insert it with SaveChanges");
            }
            foreach (var principal in type.GetForeignKeys().Where(fk => !fk.IsOwnership).Select(fk => fk.PrincipalEntityType))
            {
                if (principal != type && present.Contains(principal))
                {
                    Visit(principal);
                }
            }
            ordered.Add(type);
        }
        foreach (var type in present.OrderBy(t => t.ClrType.Name, StringComparer.Ordinal))
        {
            Visit(type);
        }
        return ordered;
    }

    /// <summary>One root entity type: its table's columns (scalar properties, then one JSON column per owned navigation).</summary>
    private sealed class Table
    {
        private readonly IEntityType type;
        private readonly AuditInterceptor audit;
        private readonly IProperty[] properties;
        private readonly int[] columnOf;
        private readonly INavigation[] owned;

        public StoreObjectIdentifier Id { get; }
        public List<InsertColumn> Columns { get; } = [];

        public Table(IEntityType type, AuditInterceptor audit)
        {
            this.type = type;
            this.audit = audit;
            if (type.IsOwned() || type.GetTableName() is not { } name)
            {
                throw new NotSupportedException($"{type.ClrType.Name} is not the root of an aggregate with its own table");
            }
            Id = StoreObjectIdentifier.Table(name, type.GetSchema());
            properties = [.. type.GetProperties()];
            columnOf = new int[properties.Length];
            for (var i = 0; i < properties.Length; i++)
            {
                var p = properties[i];
                columnOf[i] = p.GetColumnName(Id) is { } column ? Add(column, p.GetRelationalTypeMapping(), p.IsNullable) : -1;
            }
            owned = [.. OwnedNavigations(type)];
            var store = type.Model.GetRelationalModel().FindTable(Id.Name, Id.Schema)!;
            foreach (var navigation in owned)
            {
                var column = store.FindColumn(navigation.TargetEntityType.GetContainerColumnName()!)!;
                Add(column.Name, column.StoreTypeMapping, column.IsNullable);
            }
        }

        private int Add(string column, RelationalTypeMapping mapping, bool nullable)
        {
            Columns.Add(new InsertColumn(column, mapping, nullable));
            return Columns.Count - 1;
        }

        public object?[] Row(object root, DateTime now, List<AuditEntry> auditRows)
        {
            RefuseRelated(type, root);
            var row = new object?[Columns.Count];
            var values = new Dictionary<IProperty, object?>(properties.Length);
            var snapshot = new SortedDictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < properties.Length; i++)
            {
                var p = properties[i];
                var value = p.IsShadowProperty() ? ExplantDbContext.StoredFact(root, p.Name) : p.GetGetter().GetClrValueUsingContainingEntity(root);
                if (p.IsPrimaryKey() && (value is null || value.Equals(p.Sentinel)))
                {
                    // SaveChanges would generate it (or the database would); the aggregates make their own keys (Guid v7).
                    throw new NotSupportedException($"{type.ClrType.Name}.{p.Name} has no value yet; insert it with SaveChanges");
                }
                values[p] = value;
                snapshot[p.Name] = value;
                if (columnOf[i] >= 0)
                {
                    row[columnOf[i]] = value;
                }
            }
            for (var n = 0; n < owned.Length; n++)
            {
                var value = owned[n].GetGetter().GetClrValue(root);
                row[Columns.Count - owned.Length + n] = value is null ? null : Json(w => WriteOwned(w, owned[n], value, values, now, auditRows));
            }
            auditRows.Add(audit.Created(now, root, [.. type.FindPrimaryKey()!.Properties.Select(k => values[k])], snapshot));
            return row;
        }

        // One buffer and writer per table, reset for each column (a batch is written by one thread at a time).
        private readonly System.Buffers.ArrayBufferWriter<byte> buffer = new(4096);
        private Utf8JsonWriter? writer;

        private string Json(Action<Utf8JsonWriter> write)
        {
            buffer.ResetWrittenCount();
            if (writer is null)
            {
                writer = new Utf8JsonWriter(buffer);
            }
            else
            {
                writer.Reset(buffer);
            }
            write(writer);
            writer.Flush();
            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }

        /// <summary>An owned navigation's value: an array of its elements, or one element.</summary>
        private void WriteOwned(Utf8JsonWriter writer, INavigation navigation, object value, IReadOnlyDictionary<IProperty, object?> owner, DateTime now, List<AuditEntry> auditRows)
        {
            if (!navigation.IsCollection)
            {
                WriteElement(writer, navigation, value, null, owner, now, auditRows);
                return;
            }
            writer.WriteStartArray();
            var ordinal = 0;
            foreach (var item in (IEnumerable)value)
            {
                WriteElement(writer, navigation, item, ++ordinal, owner, now, auditRows);
            }
            writer.WriteEndArray();
        }

        /// <summary>
        /// One owned element as a JSON object, and its audit row. Its key is the owner's key (the ownership's foreign key)
        /// plus, in a list, its position; neither is written into the JSON, as EF does not.
        /// </summary>
        private void WriteElement(Utf8JsonWriter writer, INavigation navigation, object item, int? ordinal, IReadOnlyDictionary<IProperty, object?> owner,
            DateTime now, List<AuditEntry> auditRows)
        {
            var target = navigation.TargetEntityType;
            var ownership = navigation.ForeignKey;
            RefuseRelated(target, item);
            var values = new Dictionary<IProperty, object?>();
            var snapshot = new SortedDictionary<string, object?>(StringComparer.Ordinal);
            writer.WriteStartObject();
            foreach (var p in target.GetProperties())
            {
                object? value;
                var fk = IndexOf(ownership.Properties, p);
                if (fk >= 0)
                {
                    value = owner[ownership.PrincipalKey.Properties[fk]];
                }
                else if (p.IsShadowProperty())
                {
                    value = p.IsPrimaryKey() && ordinal is { } position
                        ? position
                        : throw new NotSupportedException($"{target.ClrType.Name}.{p.Name} is a shadow property with no value outside the change tracker");
                }
                else
                {
                    value = p.GetGetter().GetClrValueUsingContainingEntity(item);
                }
                values[p] = value;
                snapshot[p.Name] = value;
                if (p.GetJsonPropertyName() is { } name)
                {
                    writer.WritePropertyName(name);
                    if (value is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        (p.GetJsonValueReaderWriter() ?? p.GetTypeMapping().JsonValueReaderWriter
                            ?? throw new NotSupportedException($"{target.ClrType.Name}.{p.Name} has no JSON writer")).ToJson(writer, value);
                    }
                }
            }
            foreach (var nested in OwnedNavigations(target))
            {
                writer.WritePropertyName(nested.TargetEntityType.GetJsonPropertyName()!);
                if (nested.GetGetter().GetClrValue(item) is { } value)
                {
                    WriteOwned(writer, nested, value, values, now, auditRows);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }
            writer.WriteEndObject();
            auditRows.Add(audit.Created(now, item, [.. target.FindPrimaryKey()!.Properties.Select(k => values[k])], snapshot));
        }

        private static int IndexOf(IReadOnlyList<IProperty> properties, IProperty property)
        {
            for (var i = 0; i < properties.Count; i++)
            {
                if (properties[i] == property)
                {
                    return i;
                }
            }
            return -1;
        }

        private static IEnumerable<INavigation> OwnedNavigations(IEntityType type)
        {
            foreach (var navigation in type.GetNavigations().Where(n => n.ForeignKey.IsOwnership && n.DeclaringEntityType == n.ForeignKey.PrincipalEntityType))
            {
                if (!navigation.TargetEntityType.IsMappedToJson())
                {
                    throw new NotSupportedException($"{type.ClrType.Name}.{navigation.Name} is owned but not stored as JSON; insert it with SaveChanges");
                }
                yield return navigation;
            }
        }

        /// <summary>A navigation to another aggregate would be inserted by SaveChanges too; here it would be lost, so it is refused.</summary>
        private static void RefuseRelated(IEntityType type, object entity)
        {
            foreach (var navigation in type.GetNavigations().Where(n => !n.ForeignKey.IsOwnership))
            {
                var value = navigation.GetGetter().GetClrValue(entity);
                if (value is not null && (!navigation.IsCollection || ((IEnumerable)value).GetEnumerator().MoveNext()))
                {
                    throw new NotSupportedException($"{type.ClrType.Name}.{navigation.Name} refers to another entity; insert it with SaveChanges");
                }
            }
        }
    }
}

/// <summary>A column written by <see cref="GraphInserter"/>: its name and the type mapping that makes its parameter.</summary>
internal readonly record struct InsertColumn(string Name, RelationalTypeMapping Mapping, bool Nullable);
