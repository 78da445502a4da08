using System.Text;
using Hoard.Server.Security;

namespace Hoard.Server.Tests.Security;

public sealed class CredentialFileTests
{
    private static CredentialFile Parse(string content) => CredentialFile.Parse("pw", Encoding.UTF8.GetBytes(content));

    private static bool Verify(CredentialFile file, string user, string password) =>
        file.Verify(Encoding.UTF8.GetBytes(user), Encoding.UTF8.GetBytes(password));

    [Fact]
    public void Users_with_their_passwords_are_accepted_and_nothing_else()
    {
        var file = Parse("alice:secret\nbob:hunter2\n");
        Assert.Equal(2, file.Count);
        Assert.True(Verify(file, "alice", "secret"));
        Assert.True(Verify(file, "bob", "hunter2"));
        Assert.False(Verify(file, "alice", "hunter2"));
        Assert.False(Verify(file, "alice", "secre"));
        Assert.False(Verify(file, "alice", "secrets"));
        Assert.False(Verify(file, "carol", "secret"));
        Assert.False(Verify(file, "", ""));
    }

    [Fact]
    public void A_user_on_several_lines_has_every_password_valid_for_rotation()
    {
        var file = Parse("app:old-password\r\napp:new-password\r\n");
        Assert.True(Verify(file, "app", "old-password"));
        Assert.True(Verify(file, "app", "new-password"));
        Assert.False(Verify(file, "app", "other"));
    }

    [Fact]
    public void Passwords_may_contain_colons_and_blank_lines_are_skipped()
    {
        var file = Parse("\nalice:a:b:c\n\n");
        Assert.True(Verify(file, "alice", "a:b:c"));
    }

    [Theory]
    [InlineData("alice\n", "line 1: expected user:password")]
    [InlineData("alice:x\nbob\n", "line 2: expected user:password")]
    [InlineData(":secret\n", "line 1: the user name is empty")]
    [InlineData("alice:\n", "line 1: the password of user 'alice' is empty")]
    [InlineData("alice:sec ret\n", "line 1: user names and passwords cannot contain spaces or control characters")]
    [InlineData("al\tice:secret\n", "line 1: user names and passwords cannot contain spaces or control characters")]
    [InlineData("", "has no user:password lines")]
    [InlineData("\n\r\n", "has no user:password lines")]
    public void Garbage_is_refused_with_the_line_named(string content, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => Parse(content));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_are_refused_or_parsed_but_never_crash()
    {
        var random = new Random(1234);
        int parsed = 0;
        for (int i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            try
            {
                CredentialFile.Parse("random", bytes);
                parsed++;
            }
            catch (InvalidDataException)
            {
            }
        }
        Assert.True(parsed < 2000);
    }

    [Fact]
    public void Missing_and_oversized_files_are_clear_errors()
    {
        var missing = Path.Combine(Path.GetTempPath(), "hoard-no-such-" + Guid.NewGuid());
        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => CredentialFile.Load(missing)).Message, StringComparison.Ordinal);

        var big = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(big, new byte[CredentialFile.MaxFileBytes + 1]);
            Assert.Contains("larger than", Assert.Throws<InvalidDataException>(() => CredentialFile.Load(big)).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(big);
        }
    }
}
