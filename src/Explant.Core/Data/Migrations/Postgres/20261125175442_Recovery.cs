using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Explant.Core.Data.Migrations.Postgres
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OccurredOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Grade = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    PresentAtDischarge = table.Column<bool>(type: "boolean", nullable: false),
                    SsiDepth = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Description = table.Column<string>(type: "text", nullable: false),
                    RecordedBy = table.Column<string>(type: "text", nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    TimePoint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ExpiresUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UsedUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    TimePoint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CollectedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    BackPain = table.Column<int>(type: "integer", nullable: true),
                    LegPain = table.Column<int>(type: "integer", nullable: true),
                    Odi = table.Column<List<int?>>(type: "integer[]", nullable: false),
                    OdiScore = table.Column<decimal>(type: "numeric(5,1)", precision: 5, scale: 1, nullable: true),
                    Source = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    RecordedBy = table.Column<string>(type: "text", nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseNumber = table.Column<int>(type: "integer", nullable: false),
                    SurgeryDate = table.Column<DateOnly>(type: "date", nullable: false),
                    ExpectedStayMinDays = table.Column<int>(type: "integer", nullable: true),
                    ExpectedStayMaxDays = table.Column<int>(type: "integer", nullable: true),
                    DischargedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    DischargedBy = table.Column<string>(type: "text", nullable: true),
                    WoundCare = table.Column<string>(type: "text", nullable: true),
                    ActivityLimits = table.Column<string>(type: "text", nullable: true),
                    PainPlan = table.Column<string>(type: "text", nullable: true),
                    PhysioReferral = table.Column<bool>(type: "boolean", nullable: false),
                    ClosedReason = table.Column<string>(type: "text", nullable: true),
                    Revision = table.Column<long>(type: "bigint", nullable: false),
                    Discharge = table.Column<string>(type: "jsonb", nullable: true),
                    Missed = table.Column<string>(type: "jsonb", nullable: true),
                    Plan = table.Column<string>(type: "jsonb", nullable: true),
                    Visits = table.Column<string>(type: "jsonb", nullable: true)
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
