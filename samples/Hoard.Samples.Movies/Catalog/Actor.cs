namespace Hoard.Samples.Movies.Catalog;

/// <summary>A row of sakila's <c>actor</c>.</summary>
public sealed record Actor(int Id, string FirstName, string LastName)
{
    public string FullName => FirstName + " " + LastName;
}
