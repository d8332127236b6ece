using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Explant.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PersonDays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PersonDays",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Person = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Bookings = table.Column<int>(type: "INTEGER", nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PersonDays", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PersonDays_Person_Date",
                table: "PersonDays",
                columns: new[] { "Person", "Date" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PersonDays");
        }
    }
}
