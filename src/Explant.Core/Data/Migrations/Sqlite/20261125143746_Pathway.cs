using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Explant.Core.Data.Migrations.Sqlite
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Facility = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Mrn = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    FamilyName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    GivenName = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    BirthDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Sex = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    WeightKg = table.Column<decimal>(type: "TEXT", precision: 6, scale: 2, nullable: true),
                    HeightCm = table.Column<decimal>(type: "TEXT", precision: 6, scale: 2, nullable: true),
                    Allergies = table.Column<string>(type: "TEXT", nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false),
                    Medications = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Patients", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Constructs",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PatientId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ImplantedOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ImplantedAt = table.Column<string>(type: "TEXT", nullable: true),
                    Approach = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SourceProcedure = table.Column<string>(type: "TEXT", nullable: true),
                    Manufacturer = table.Column<string>(type: "TEXT", nullable: true),
                    SystemName = table.Column<string>(type: "TEXT", nullable: true),
                    Comment = table.Column<string>(type: "TEXT", nullable: true),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false),
                    Components = table.Column<string>(type: "TEXT", nullable: true)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PatientId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StudyDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Modality = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Note = table.Column<string>(type: "TEXT", nullable: true),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false),
                    Fusion = table.Column<string>(type: "TEXT", nullable: true),
                    Hardware = table.Column<string>(type: "TEXT", nullable: true)
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    PatientId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConstructId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProcedureCode = table.Column<string>(type: "TEXT", maxLength: 5, nullable: false),
                    ProcedureVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    DefinitionIndications = table.Column<string>(type: "TEXT", nullable: false),
                    DefinitionAlternatives = table.Column<string>(type: "TEXT", nullable: false),
                    Surgeon = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PlanRevision = table.Column<int>(type: "INTEGER", nullable: false),
                    RemoveAll = table.Column<bool>(type: "INTEGER", nullable: false),
                    PlannedComponentIds = table.Column<string>(type: "TEXT", nullable: false),
                    FusionEvidenceStudyId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CancelReason = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    StateReason = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Revision = table.Column<long>(type: "INTEGER", nullable: false),
                    Consents = table.Column<string>(type: "TEXT", nullable: true),
                    Decision = table.Column<string>(type: "TEXT", nullable: true),
                    FusionOverride = table.Column<string>(type: "TEXT", nullable: true),
                    History = table.Column<string>(type: "TEXT", nullable: true),
                    Indications = table.Column<string>(type: "TEXT", nullable: true),
                    Infection = table.Column<string>(type: "TEXT", nullable: false)
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
