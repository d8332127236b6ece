using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Explant.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CaseConsentValidColumn : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "ConsentValid",
                table: "SurgicalCases",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ConsentValid",
                table: "SurgicalCases");
        }
    }
}
