using Hoard.Samples.Movies.Caching;

namespace Hoard.Samples.Movies.Tests.Unit;

public sealed class CacheKeysTests
{
    private readonly CacheKeys _keys = new("movies:v1:generated");

    [Fact]
    public void Keys_name_the_data_set_and_the_film()
    {
        Assert.Equal("movies:v1:generated:film:42", _keys.Film(42));
        Assert.Equal("movies:v1:generated:films:all:20:3", _keys.Search("", 3, 20));
    }

    [Fact]
    public void Searches_differing_only_in_case_share_a_key_and_others_do_not()
    {
        Assert.Equal(_keys.Search("dragon", 1, 20), _keys.Search("DRAGON", 1, 20));
        Assert.NotEqual(_keys.Search("dragon", 1, 20), _keys.Search("dragons", 1, 20));
        Assert.NotEqual(_keys.Search("dragon", 1, 20), _keys.Search("dragon", 2, 20));
        Assert.NotEqual(_keys.Search("dragon", 1, 20), _keys.Search("dragon", 1, 10));
    }

    [Fact]
    public void Any_search_text_makes_a_short_plain_key()
    {
        string key = _keys.Search(new string('x', 10_000) + " \r\n\t ünïcødé ✓", 1, 20);

        Assert.True(key.Length < 80, key);
        Assert.DoesNotContain(key, char.IsWhiteSpace);
        Assert.DoesNotContain(key, char.IsControl);
    }
}
