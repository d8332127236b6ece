using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Explant.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Readiness : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AsaClass",
                table: "SurgicalCases",
                type: "TEXT",
                maxLength: 4,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AsaRecordedBy",
                table: "SurgicalCases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "HistoryPhysicalOn",
                table: "SurgicalCases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "HistoryPhysicalUpdatedUtc",
                table: "SurgicalCases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "MriOrderedUtc",
                table: "SurgicalCases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PlannedSurgeryUtc",
                table: "SurgicalCases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReadinessOverrides",
                table: "SurgicalCases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Results",
                table: "SurgicalCases",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AsaClass",
                table: "SurgicalCases");

            migrationBuilder.DropColumn(
                name: "AsaRecordedBy",
                table: "SurgicalCases");

            migrationBuilder.DropColumn(
                name: "HistoryPhysicalOn",
                table: "SurgicalCases");

            migrationBuilder.DropColumn(
                name: "HistoryPhysicalUpdatedUtc",
                table: "SurgicalCases");

            migrationBuilder.DropColumn(
                name: "MriOrderedUtc",
                table: "SurgicalCases");

            migrationBuilder.DropColumn(
                name: "PlannedSurgeryUtc",
                table: "SurgicalCases");

            migrationBuilder.DropColumn(
                name: "ReadinessOverrides",
                table: "SurgicalCases");

            migrationBuilder.DropColumn(
                name: "Results",
                table: "SurgicalCases");
        }
    }
}
