using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Explant.Core.Data;

/// <summary>
/// Appends rows that are never read back in this unit of work (the audit and access logs) with multi-row INSERTs instead
/// of EF's SaveChanges: no tracking, no generated keys read back, no modification commands per row (issue #17: the audit
/// rows of a save were most of what SaveChanges did; the demo cohort writes ~26,000 of them). Table and column names
/// come from the EF model and each parameter from its property's own type mapping, so the value converters (UTC times)
/// and provider types are the ones SaveChanges would use and a column added to the entity cannot be left out.
/// </summary>
public static class RowInserter
{
    // Parameters per statement: far below SQLite's 32,766 and PostgreSQL's 65,535, and small because binding looks each
    // parameter up by name among the statement's (linear in them, so a statement's binding is quadratic in its size).
    private const int MaxParameters = 150;

    /// <summary>"INSERT INTO t (c…) VALUES (@p0,…),(…)" for every mapped property but the generated key.</summary>
    public static (string Sql, DbParameter[] Values) Statement<T>(DbContext db, IReadOnlyList<T> rows) where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var properties = entity.GetProperties().Where(p => !p.IsPrimaryKey()).ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
        var text = new System.Text.StringBuilder($"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({columns}) VALUES ");
        using var command = db.Database.GetDbConnection().CreateCommand();
        var values = new DbParameter[rows.Count * properties.Length];
        for (var r = 0; r < rows.Count; r++)
        {
            text.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < properties.Length; c++)
            {
                var i = r * properties.Length + c;
                var name = sql.GenerateParameterName("p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                values[i] = properties[c].GetRelationalTypeMapping().CreateParameter(command, name,
                    properties[c].GetGetter().GetClrValueUsingContainingEntity(rows[r]), properties[c].IsNullable);
                text.Append(c == 0 ? "" : ", ").Append(name);
            }
            text.Append(')');
        }
        return (text.ToString(), values);
    }

    /// <summary>Inserts the rows in as few statements as the parameter limit allows, on the context's current transaction.</summary>
    public static async Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        foreach (var chunk in Chunks(db, rows))
        {
            var (sql, values) = Statement(db, chunk);
            await db.Database.ExecuteSqlRawAsync(sql, values, ct);
        }
    }

    /// <inheritdoc cref="InsertAsync{T}"/>
    public static void Insert<T>(DbContext db, IReadOnlyList<T> rows) where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        foreach (var chunk in Chunks(db, rows))
        {
            var (sql, values) = Statement(db, chunk);
            db.Database.ExecuteSqlRaw(sql, values);
        }
    }

    private static IEnumerable<IReadOnlyList<T>> Chunks<T>(DbContext db, IReadOnlyList<T> rows) where T : class
    {
        var columns = Math.Max(1, db.Model.FindEntityType(typeof(T))!.GetProperties().Count(p => !p.IsPrimaryKey()));
        var size = Math.Max(1, MaxParameters / columns);
        for (var start = 0; start < rows.Count; start += size)
        {
            yield return rows.Count <= size ? rows : [.. rows.Skip(start).Take(size)];
        }
    }
}
