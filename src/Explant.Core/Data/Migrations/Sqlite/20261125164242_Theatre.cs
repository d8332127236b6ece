using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Explant.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Theatre : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "IntraOpRecords",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    Infection = table.Column<bool>(type: "INTEGER", nullable: false),
                    PlannedLevels = table.Column<string>(type: "TEXT", nullable: false),
                    CheckedInUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CheckedInBy = table.Column<string>(type: "TEXT", nullable: true),
                    CheckInNote = table.Column<string>(type: "TEXT", nullable: true),
                    ConfirmedLevels = table.Column<string>(type: "TEXT", nullable: true),
                    LevelImage = table.Column<string>(type: "TEXT", nullable: true),
                    Loosening = table.Column<bool>(type: "INTEGER", nullable: false),
                    Breakage = table.Column<bool>(type: "INTEGER", nullable: false),
                    InfectionSigns = table.Column<bool>(type: "INTEGER", nullable: false),
                    DuralTear = table.Column<bool>(type: "INTEGER", nullable: false),
                    FindingsNote = table.Column<string>(type: "TEXT", nullable: true),
                    EstimatedBloodLossMl = table.Column<int>(type: "INTEGER", nullable: true),
                    CountsCorrect = table.Column<bool>(type: "INTEGER", nullable: true),
                    CountDiscrepancy = table.Column<string>(type: "TEXT", nullable: true),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false),
                    Explants = table.Column<string>(type: "TEXT", nullable: true),
                    Fusion = table.Column<string>(type: "TEXT", nullable: true),
                    Milestones = table.Column<string>(type: "TEXT", nullable: true),
                    Prophylaxis = table.Column<string>(type: "TEXT", nullable: true),
                    Specimens = table.Column<string>(type: "TEXT", nullable: true),
                    Steps = table.Column<string>(type: "TEXT", nullable: true),
                    Ticks = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntraOpRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IntraOpRecords_SurgicalCases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "SurgicalCases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "OperativeNotes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    GeneratedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SignedBy = table.Column<string>(type: "TEXT", nullable: true),
                    SignedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false),
                    Addenda = table.Column<string>(type: "TEXT", nullable: true),
                    Sections = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OperativeNotes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OperativeNotes_SurgicalCases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "SurgicalCases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IntraOpRecords_CaseId",
                table: "IntraOpRecords",
                column: "CaseId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OperativeNotes_CaseId",
                table: "OperativeNotes",
                column: "CaseId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IntraOpRecords");

            migrationBuilder.DropTable(
                name: "OperativeNotes");
        }
    }
}
