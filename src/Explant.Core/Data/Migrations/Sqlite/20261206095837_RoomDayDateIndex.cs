using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Explant.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RoomDayDateIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_RoomDays_Date",
                table: "RoomDays",
                column: "Date");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RoomDays_Date",
                table: "RoomDays");
        }
    }
}
