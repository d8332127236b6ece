using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Explant.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Pathway : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Patients",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Facility = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Mrn = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    FamilyName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    GivenName = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    BirthDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Sex = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    WeightKg = table.Column<decimal>(type: "numeric(6,2)", precision: 6, scale: 2, nullable: true),
                    HeightCm = table.Column<decimal>(type: "numeric(6,2)", precision: 6, scale: 2, nullable: true),
                    Allergies = table.Column<List<string>>(type: "text[]", nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false),
                    Medications = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Patients", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Constructs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PatientId = table.Column<Guid>(type: "uuid", nullable: false),
                    ImplantedOn = table.Column<DateOnly>(type: "date", nullable: true),
                    ImplantedAt = table.Column<string>(type: "text", nullable: true),
                    Approach = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SourceProcedure = table.Column<string>(type: "text", nullable: true),
                    Manufacturer = table.Column<string>(type: "text", nullable: true),
                    SystemName = table.Column<string>(type: "text", nullable: true),
                    Comment = table.Column<string>(type: "text", nullable: true),
                    Revision = table.Column<long>(type: "bigint", nullable: false),
                    Components = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Constructs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Constructs_Patients_PatientId",
                        column: x => x.PatientId,
                        principalTable: "Patients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ImagingStudies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PatientId = table.Column<Guid>(type: "uuid", nullable: false),
                    StudyDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Modality = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Note = table.Column<string>(type: "text", nullable: true),
                    RecordedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false),
                    Fusion = table.Column<string>(type: "jsonb", nullable: true),
                    Hardware = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImagingStudies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ImagingStudies_Patients_PatientId",
                        column: x => x.PatientId,
                        principalTable: "Patients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SurgicalCases",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    PatientId = table.Column<Guid>(type: "uuid", nullable: false),
                    ConstructId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProcedureCode = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    ProcedureVersion = table.Column<int>(type: "integer", nullable: false),
                    DefinitionIndications = table.Column<List<string>>(type: "text[]", nullable: false),
                    DefinitionAlternatives = table.Column<List<string>>(type: "text[]", nullable: false),
                    Surgeon = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    PlanRevision = table.Column<int>(type: "integer", nullable: false),
                    RemoveAll = table.Column<bool>(type: "boolean", nullable: false),
                    PlannedComponentIds = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    FusionEvidenceStudyId = table.Column<Guid>(type: "uuid", nullable: true),
                    CancelReason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    StateReason = table.Column<string>(type: "text", nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Revision = table.Column<long>(type: "bigint", nullable: false),
                    Consents = table.Column<string>(type: "jsonb", nullable: true),
                    Decision = table.Column<string>(type: "jsonb", nullable: true),
                    FusionOverride = table.Column<string>(type: "jsonb", nullable: true),
                    History = table.Column<string>(type: "jsonb", nullable: true),
                    Indications = table.Column<string>(type: "jsonb", nullable: true),
                    Infection = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SurgicalCases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SurgicalCases_Constructs_ConstructId",
                        column: x => x.ConstructId,
                        principalTable: "Constructs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SurgicalCases_Patients_PatientId",
                        column: x => x.PatientId,
                        principalTable: "Patients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Constructs_PatientId",
                table: "Constructs",
                column: "PatientId");

            migrationBuilder.CreateIndex(
                name: "IX_ImagingStudies_PatientId",
                table: "ImagingStudies",
                column: "PatientId");

            migrationBuilder.CreateIndex(
                name: "IX_Patients_Facility_Mrn",
                table: "Patients",
                columns: new[] { "Facility", "Mrn" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Patients_FamilyName",
                table: "Patients",
                column: "FamilyName");

            migrationBuilder.CreateIndex(
                name: "IX_SurgicalCases_ConstructId",
                table: "SurgicalCases",
                column: "ConstructId");

            migrationBuilder.CreateIndex(
                name: "IX_SurgicalCases_Number",
                table: "SurgicalCases",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SurgicalCases_PatientId",
                table: "SurgicalCases",
                column: "PatientId");

            migrationBuilder.CreateIndex(
                name: "IX_SurgicalCases_State",
                table: "SurgicalCases",
                column: "State");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImagingStudies");

            migrationBuilder.DropTable(
                name: "SurgicalCases");

            migrationBuilder.DropTable(
                name: "Constructs");

            migrationBuilder.DropTable(
                name: "Patients");
        }
    }
}
