using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Explant.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Recovery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Complications",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OccurredOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Grade = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    PresentAtDischarge = table.Column<bool>(type: "INTEGER", nullable: false),
                    SsiDepth = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Description = table.Column<string>(type: "TEXT", nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Complications", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Complications_SurgicalCases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "SurgicalCases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PromLinks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TimePoint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ExpiresUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UsedUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PromLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PromLinks_SurgicalCases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "SurgicalCases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PromResponses",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TimePoint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CollectedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    BackPain = table.Column<int>(type: "INTEGER", nullable: true),
                    LegPain = table.Column<int>(type: "INTEGER", nullable: true),
                    Odi = table.Column<string>(type: "TEXT", nullable: false),
                    OdiScore = table.Column<decimal>(type: "TEXT", precision: 5, scale: 1, nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PromResponses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PromResponses_SurgicalCases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "SurgicalCases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "RecoveryRecords",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CaseNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    SurgeryDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ExpectedStayMinDays = table.Column<int>(type: "INTEGER", nullable: true),
                    ExpectedStayMaxDays = table.Column<int>(type: "INTEGER", nullable: true),
                    DischargedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    DischargedBy = table.Column<string>(type: "TEXT", nullable: true),
                    WoundCare = table.Column<string>(type: "TEXT", nullable: true),
                    ActivityLimits = table.Column<string>(type: "TEXT", nullable: true),
                    PainPlan = table.Column<string>(type: "TEXT", nullable: true),
                    PhysioReferral = table.Column<bool>(type: "INTEGER", nullable: false),
                    ClosedReason = table.Column<string>(type: "TEXT", nullable: true),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false),
                    Discharge = table.Column<string>(type: "TEXT", nullable: true),
                    Missed = table.Column<string>(type: "TEXT", nullable: true),
                    Plan = table.Column<string>(type: "TEXT", nullable: true),
                    Visits = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RecoveryRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RecoveryRecords_SurgicalCases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "SurgicalCases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Complications_CaseId",
                table: "Complications",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_PromLinks_CaseId",
                table: "PromLinks",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_PromLinks_TokenHash",
                table: "PromLinks",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PromResponses_CaseId_TimePoint",
                table: "PromResponses",
                columns: new[] { "CaseId", "TimePoint" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RecoveryRecords_CaseId",
                table: "RecoveryRecords",
                column: "CaseId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Complications");

            migrationBuilder.DropTable(
                name: "PromLinks");

            migrationBuilder.DropTable(
                name: "PromResponses");

            migrationBuilder.DropTable(
                name: "RecoveryRecords");
        }
    }
}
