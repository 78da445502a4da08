using System.Globalization;

namespace Hoard.Samples.Movies.Films;

/// <summary>The admin form's rental rate: sakila's <c>DECIMAL(4,2)</c>, so 0.00 to 99.99.</summary>
public static class RentalRate
{
    public const decimal Max = 99.99m;

    public static bool TryParse(string? text, out decimal rate, out string error)
    {
        rate = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "Enter a rental rate, for example 2.99.";
            return false;
        }
        if (!decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            error = $"'{text.Trim()}' is not a rental rate: use digits and a decimal point, for example 2.99.";
            return false;
        }
        if (value > Max)
        {
            error = $"A rental rate is at most {Max.ToString(CultureInfo.InvariantCulture)}.";
            return false;
        }
        if (value.Scale > 2 && decimal.Round(value, 2) != value)
        {
            error = "A rental rate has at most two decimals.";
            return false;
        }
        rate = decimal.Round(value, 2);
        error = "";
        return true;
    }
}
