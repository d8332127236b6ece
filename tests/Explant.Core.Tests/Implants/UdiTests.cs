using System.Globalization;
using Explant.Core.Implants;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Explant.Core.Tests.Implants;

public sealed class UdiTests
{
    private const char GS = '\u001D';

    /// <summary>The US Core Implantable Device sample (docs/clinical-rules.md §2, [S54]).</summary>
    private const string UsCoreSample = "(01)09504000059118(17)141120(10)7654321D(21)10987654d321";

    private static readonly string UsCoreElementString = "0109504000059118" + "17141120" + "107654321D" + GS + "2110987654d321";

    private static readonly Udi UsCoreUdi = new("09504000059118", null, new DateOnly(2014, 11, 20), "7654321D", "10987654d321");

    private static UdiFormatException Fails(string text) => Assert.Throws<UdiFormatException>(() => Udi.Parse(text));

    // ---- the worked example ------------------------------------------------------------------------------

    [Fact]
    public void Check_digit_of_the_worked_example_is_8() => Assert.Equal(8, Udi.CheckDigit("0950400005911"));

    [Theory]
    [InlineData("0950400005911", 8)]
    [InlineData("0000000000000", 0)]
    [InlineData("0000000000001", 7)] // 1×3 = 3 → 7
    [InlineData("0000000000010", 9)] // 1×1 = 1 → 9
    [InlineData("1000000000000", 7)] // leftmost of 13 digits is weighted 3
    [InlineData("0001234567890", 5)] // 0×3+9×1+8×3+7×1+6×3+5×1+4×3+3×1+2×3+1×1 = 85 → 5
    public void Check_digit_weights_3_1_3_from_the_rightmost_data_digit(string data, int check) =>
        Assert.Equal(check, Udi.CheckDigit(data));

    [Fact]
    public void The_US_Core_sample_parses_to_its_parts()
    {
        var udi = Udi.Parse(UsCoreSample);
        Assert.Equal("09504000059118", udi.Gtin);
        Assert.Null(udi.ProductionDate);
        Assert.Equal(new DateOnly(2014, 11, 20), udi.ExpirationDate);
        Assert.Equal("7654321D", udi.Lot);
        Assert.Equal("10987654d321", udi.Serial);
        Assert.Equal(UsCoreUdi, udi);
    }

    [Fact]
    public void HumanReadable_of_the_sample_is_the_sample()
    {
        Assert.Equal(UsCoreSample, Udi.Parse(UsCoreSample).HumanReadable);
        Assert.Equal(UsCoreUdi, Udi.Parse(UsCoreUdi.HumanReadable));
    }

    [Theory]
    [InlineData("")]
    [InlineData("]d2")]
    [InlineData("]C1")]
    [InlineData("]Q3")]
    [InlineData("\u001D")]
    [InlineData("  ")]
    [InlineData("  ]d2")]
    public void The_element_string_form_gives_the_same_Udi(string prefix)
    {
        Assert.Equal(UsCoreUdi, Udi.Parse(prefix + UsCoreElementString));
        Assert.Equal(UsCoreSample, Udi.Parse(prefix + UsCoreElementString).HumanReadable);
    }

    [Fact]
    public void Element_string_fields_may_come_in_any_order_and_fixed_length_fields_may_be_followed_by_GS()
    {
        Assert.Equal(UsCoreUdi, Udi.Parse("]d2" + "2110987654d321" + GS + "17141120" + GS + "0109504000059118" + "107654321D"));
        Assert.Equal(UsCoreUdi, Udi.Parse("0109504000059118" + GS + "17141120" + GS + "107654321D" + GS + "2110987654d321" + GS));
    }

    [Fact]
    public void Bracketed_fields_may_come_in_any_order_and_HumanReadable_puts_them_in_canonical_order()
    {
        var udi = Udi.Parse("(21)10987654d321(10)7654321D(11)130102(17)141100(01)09504000059118");
        Assert.Equal(new DateOnly(2013, 1, 2), udi.ProductionDate);
        Assert.Equal(new DateOnly(2014, 11, 30), udi.ExpirationDate);
        Assert.Equal("(01)09504000059118(11)130102(17)141130(10)7654321D(21)10987654d321", udi.HumanReadable);
        Assert.Equal(udi, Udi.Parse(udi.HumanReadable));
    }

    [Fact]
    public void A_bare_GTIN_is_a_UDI_with_no_production_identifiers()
    {
        var udi = Udi.Parse("(01)09504000059118");
        Assert.Equal(new Udi("09504000059118", null, null, null, null), udi);
        Assert.Equal("(01)09504000059118", udi.HumanReadable);
        Assert.Equal(udi, Udi.Parse("0109504000059118"));
    }

    [Theory]
    [InlineData("(01)09504000059118(17)250200", 2025, 2, 28)]
    [InlineData("(01)09504000059118(17)240200", 2024, 2, 29)]
    [InlineData("(01)09504000059118(17)241200", 2024, 12, 31)]
    [InlineData("(01)09504000059118(17)240229", 2024, 2, 29)]
    [InlineData("(01)09504000059118(17)991231", 2099, 12, 31)]
    [InlineData("(01)09504000059118(17)000101", 2000, 1, 1)]
    public void Expiry_day_00_means_the_end_of_the_month_and_YY_is_20YY(string text, int y, int m, int d)
    {
        var udi = Udi.Parse(text);
        Assert.Equal(new DateOnly(y, m, d), udi.ExpirationDate);
        Assert.Equal(udi, Udi.Parse(udi.HumanReadable));
    }

    [Fact]
    public void Surrounding_whitespace_is_ignored() => Assert.Equal(UsCoreUdi, Udi.Parse("  " + UsCoreSample + " \n"));

    [Fact]
    public void Null_is_an_argument_error() => Assert.Throws<ArgumentNullException>(() => Udi.Parse(null!));

    // ---- errors with exact 1-based positions ---------------------------------------------------------

    [Theory]
    // (01) value starts at 5, so its 14th digit is at 18.
    [InlineData("(01)09504000059119", 18)]
    [InlineData("(01)09504000059117(17)141120", 18)]
    [InlineData("  (01)09504000059119", 20)]
    // "]d2" + "01": the value starts at 6, its 14th digit is at 19.
    [InlineData("]d20109504000059119", 19)]
    [InlineData("0109504000059110", 16)]
    public void A_wrong_check_digit_is_reported_at_the_14th_GTIN_digit(string text, int position)
    {
        var ex = Fails(text);
        Assert.Equal(position, ex.Position);
        Assert.Contains("check digit", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("expected 8", ex.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"position {position}: ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(01)0950400005911", 5)] // 13 digits
    [InlineData("(01)095040000591180(17)141120", 5)] // 15 digits
    [InlineData("(01)095040A0059118", 11)] // 'A' is the 7th digit
    [InlineData("0109504000059", 3)] // element string: too few characters for the fixed length
    [InlineData("01095040000591X8", 15)]
    public void Malformed_GTINs_are_reported_where_they_go_wrong(string text, int position) =>
        Assert.Equal(position, Fails(text).Position);

    [Theory]
    [InlineData("(01)09504000059118(17)141320", 25)] // month 13 at 25–26
    [InlineData("(01)09504000059118(17)140020", 25)] // month 00
    [InlineData("(01)09504000059118(11)149920", 25)]
    [InlineData("0109504000059118" + "17141320", 21)]
    public void A_bad_month_is_reported_at_the_month(string text, int position)
    {
        var ex = Fails(text);
        Assert.Equal(position, ex.Position);
        Assert.Contains("month", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(01)09504000059118(17)230230", 27)] // 30 February
    [InlineData("(01)09504000059118(17)230229", 27)] // 2023 is not a leap year
    [InlineData("(01)09504000059118(17)230431", 27)] // 31 April
    [InlineData("(01)09504000059118(17)230132", 27)]
    [InlineData("(01)09504000059118(11)230100", 27)] // day 00 is only for expiry
    [InlineData("0109504000059118" + "17230230", 23)]
    public void A_bad_day_is_reported_at_the_day(string text, int position)
    {
        var ex = Fails(text);
        Assert.Equal(position, ex.Position);
        Assert.Contains("day", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(01)09504000059118(17)14112", 23)]
    [InlineData("(01)09504000059118(17)1411201", 23)]
    [InlineData("(01)09504000059118(17)14-120", 23)]
    public void A_date_that_is_not_YYMMDD_is_reported_at_its_start(string text, int position) =>
        Assert.Equal(position, Fails(text).Position);

    [Fact]
    public void An_unknown_AI_in_the_element_string_is_reported_at_the_AI()
    {
        var ex = Fails("0109504000059118" + "99ABC");
        Assert.Equal(17, ex.Position);
        Assert.Contains("(99)", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_AI_in_brackets_is_named()
    {
        var ex = Fails("(01)09504000059118(99)ABC");
        Assert.Contains("unknown application identifier (99)", ex.Reason, StringComparison.Ordinal);
        Assert.InRange(ex.Position, 19, 23);
    }

    [Fact]
    public void An_unknown_AI_in_brackets_is_reported_at_the_AI_like_the_element_string_form() =>
        // "(99)" opens at 19; its first digit is at 20, as for "(9X)" below.
        Assert.Equal(20, Fails("(01)09504000059118(99)ABC").Position);

    [Theory]
    [InlineData("(01)09504000059118(9X)ABC", 20)]
    [InlineData("(01)09504000059118()ABC", 20)]
    [InlineData("(01)09504000059118(12345)ABC", 20)]
    [InlineData("(01)09504000059118(10ABC", 19)]
    [InlineData("(01)09504000059118 (10)ABC", 5)] // the space ends up in the GTIN value
    [InlineData("x(01)09504000059118", 1)]
    [InlineData("0109504000059118" + "1X", 17)]
    public void Malformed_AIs_are_reported_where_they_go_wrong(string text, int position) =>
        Assert.Equal(position, Fails(text).Position);

    [Fact]
    public void A_lot_over_20_characters_is_reported_at_the_lot()
    {
        var lot21 = new string('A', 21);
        var bracketed = Fails("(01)09504000059118(10)" + lot21);
        Assert.Equal(23, bracketed.Position);
        Assert.Contains("1 to 20", bracketed.Reason, StringComparison.Ordinal);
        Assert.Equal(19, Fails("0109504000059118" + "10" + lot21).Position);
        Assert.Equal(35, Fails("(01)09504000059118(10)7654321D(21)" + lot21).Position);

        var lot20 = new string('A', 20);
        Assert.Equal(lot20, Udi.Parse("(01)09504000059118(10)" + lot20).Lot);
    }

    [Theory]
    [InlineData("(01)09504000059118(10)", 23)]
    [InlineData("(01)09504000059118(10)(21)X", 23)]
    [InlineData("(01)09504000059118(10)AB CD", 25)]
    [InlineData("(01)09504000059118(21)AB\tCD", 25)]
    public void Empty_values_and_control_or_space_characters_are_refused(string text, int position) =>
        Assert.Equal(position, Fails(text).Position);

    [Theory]
    [InlineData("(17)141120(10)7654321D", 1)]
    [InlineData("]d217141120", 4)]
    [InlineData("  (10)ABC", 3)]
    public void Missing_01_is_reported_at_the_start(string text, int position)
    {
        var ex = Fails(text);
        Assert.Equal(position, ex.Position);
        Assert.Contains("(01)", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(01)09504000059118(10)A(10)B", 28)] // the second lot's value
    [InlineData("(01)09504000059118(01)09504000059118", 23)]
    [InlineData("(01)09504000059118(17)141120(17)141120", 33)]
    [InlineData("0109504000059118" + "10A\u001D10B", 23)]
    public void A_duplicate_AI_is_refused_at_its_second_occurrence(string text, int position)
    {
        var ex = Fails(text);
        Assert.Equal(position, ex.Position);
        Assert.Contains("twice", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("]d2")]
    public void Empty_input_is_refused_at_position_1(string text) => Assert.Equal(1, Fails(text).Position);

    [Fact]
    public void A_lot_containing_a_parenthesis_is_refused_because_the_bracketed_form_could_not_be_read_back()
    {
        var e = Fails("0109504000059118" + "10AB(C");
        Assert.Equal(21, e.Position);
        Assert.Contains("parentheses", e.Message, StringComparison.Ordinal);
    }

    // ---- properties -------------------------------------------------------------------------------------

    public sealed record UdiCase(Udi Udi, string ElementString);

    private const string LotCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-./_";

    private static Gen<string> Digits(int count) =>
        Gen.ArrayOf(Gen.Choose(0, 9), count).Select(ds => string.Concat(ds.Select(d => (char)('0' + d))));

    private static Gen<string> ValidGtin() => Digits(13).Select(data => data + Udi.CheckDigit(data).ToString(CultureInfo.InvariantCulture));

    private static Gen<DateOnly?> OptionalDate() =>
        Gen.OneOf(
            Gen.Constant<DateOnly?>(null),
            from y in Gen.Choose(2000, 2099)
            from m in Gen.Choose(1, 12)
            from d in Gen.Choose(1, DateTime.DaysInMonth(y, m))
            select (DateOnly?)new DateOnly(y, m, d));

    private static Gen<string?> OptionalText() =>
        Gen.OneOf(
            Gen.Constant<string?>(null),
            from n in Gen.Choose(1, 20)
            from cs in Gen.ArrayOf(Gen.Elements(LotCharacters.ToCharArray()), n)
            select (string?)new string(cs));

    /// <summary>A random UDI and an element string for it, its AIs in random order, a GS after every variable field but the last.</summary>
    private static Gen<UdiCase> AnyUdi() =>
        from gtin in ValidGtin()
        from production in OptionalDate()
        from expiry in OptionalDate()
        from lot in OptionalText()
        from serial in OptionalText()
        from prefix in Gen.Elements("", "]d2", "]C1", "\u001D")
        from order in Gen.ArrayOf(Gen.Choose(0, 1000), 5)
        select MakeCase(new Udi(gtin, production, expiry, lot, serial), prefix, order);

    private static UdiCase MakeCase(Udi udi, string prefix, int[] order)
    {
        var fields = new List<(string Text, bool Variable)> { ("01" + udi.Gtin, false) };
        if (udi.ProductionDate is { } p)
        {
            fields.Add(("11" + p.ToString("yyMMdd", CultureInfo.InvariantCulture), false));
        }
        if (udi.ExpirationDate is { } e)
        {
            fields.Add(("17" + e.ToString("yyMMdd", CultureInfo.InvariantCulture), false));
        }
        if (udi.Lot is { } lot)
        {
            fields.Add(("10" + lot, true));
        }
        if (udi.Serial is { } serial)
        {
            fields.Add(("21" + serial, true));
        }
        var shuffled = fields.Select((f, i) => (f, key: order[i] * 10 + i)).OrderBy(x => x.key).Select(x => x.f).ToList();
        var text = prefix + string.Concat(shuffled.Select((f, i) => f.Text + (f.Variable && i < shuffled.Count - 1 ? GS.ToString() : "")));
        return new UdiCase(udi, text);
    }

    [Property(MaxTest = 300)]
    public Property A_valid_GTIN_with_its_computed_check_digit_round_trips_through_both_forms() =>
        Prop.ForAll(Arb.From(AnyUdi()), c =>
        {
            Assert.Equal(c.Udi, Udi.Parse(c.Udi.HumanReadable));
            Assert.Equal(c.Udi, Udi.Parse(c.ElementString));
            Assert.Equal(c.Udi.HumanReadable, Udi.Parse(c.ElementString).HumanReadable);
        });

    [Property(MaxTest = 300)]
    public Property The_check_digit_makes_the_3_1_weighted_sum_of_all_14_digits_a_multiple_of_10() =>
        Prop.ForAll(Arb.From(Digits(13)), data =>
        {
            var check = Udi.CheckDigit(data);
            Assert.InRange(check, 0, 9);
            var gtin = data + check.ToString(CultureInfo.InvariantCulture);
            // GS1 GTIN-14: positions 1, 3, … 13 weigh 3, positions 2, 4, … 14 weigh 1.
            var sum = gtin.Select((ch, i) => (ch - '0') * (i % 2 == 0 ? 3 : 1)).Sum();
            Assert.Equal(0, sum % 10);
        });

    public sealed record Mutation(string Gtin, int Index, char Replacement)
    {
        public string Mutated => Gtin[..Index] + Replacement + Gtin[(Index + 1)..];
    }

    private static Gen<Mutation> SingleDigitErrors() =>
        from gtin in ValidGtin()
        from index in Gen.Choose(0, 13)
        from delta in Gen.Choose(1, 9)
        select new Mutation(gtin, index, (char)('0' + (gtin[index] - '0' + delta) % 10));

    [Property(MaxTest = 500)]
    public Property Changing_any_single_digit_of_a_valid_GTIN_is_caught_by_the_check_digit() =>
        Prop.ForAll(Arb.From(SingleDigitErrors()), m =>
        {
            Assert.NotEqual(m.Gtin, m.Mutated);
            var bracketed = Fails("(01)" + m.Mutated + "(10)LOT1");
            Assert.Equal(18, bracketed.Position);
            Assert.Contains("check digit", bracketed.Reason, StringComparison.Ordinal);
            var element = Fails("]d201" + m.Mutated + "10LOT1");
            Assert.Equal(19, element.Position);
        });

    [Fact]
    public void Every_single_digit_error_in_the_worked_example_is_caught()
    {
        const string gtin = "09504000059118";
        for (var i = 0; i < 14; i++)
        {
            for (var d = '0'; d <= '9'; d++)
            {
                if (d == gtin[i])
                {
                    continue;
                }
                var mutated = gtin[..i] + d + gtin[(i + 1)..];
                Assert.Equal(18, Fails("(01)" + mutated).Position);
            }
        }
    }
}
