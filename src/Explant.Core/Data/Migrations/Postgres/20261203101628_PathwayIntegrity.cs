using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Explant.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PathwayIntegrity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "HandOvers",
                table: "SurgicalCases",
                type: "jsonb",
                nullable: true,
                // Cases opened before hand-overs existed have none (an empty list, not null).
                defaultValue: "[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "HandOvers",
                table: "SurgicalCases");
        }
    }
}
