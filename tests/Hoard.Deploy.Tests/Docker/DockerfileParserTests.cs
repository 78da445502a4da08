using Hoard.Deploy.Tests.Infrastructure;

namespace Hoard.Deploy.Tests.Docker;

/// <summary>The test's Dockerfile reader, on text whose reading is known.</summary>
public sealed class DockerfileParserTests
{
    [Fact]
    public void Continuations_are_joined_across_comment_lines_and_flags_and_exec_forms_are_read()
    {
        var dockerfile = Dockerfile.Parse("""
            # syntax=docker/dockerfile:1
            ARG BASE=debian
            FROM ${BASE} AS build
            RUN echo a \
            # a comment inside the continuation is dropped
                && echo b
            FROM scratch
            COPY --from=build --chmod=0755 /a /b
            HEALTHCHECK --interval=5s CMD ["probe", "-p", "1"]
            ENTRYPOINT ["/app/x", "y"]
            CMD run it
            """, "test");
        Assert.Equal(2, dockerfile.Stages.Count);
        Assert.Equal("echo a  && echo b", dockerfile.Stages[0][1].Arguments);
        var copy = dockerfile.FinalStage[1];
        Assert.Equal("build", copy.Flags["from"]);
        Assert.Equal("0755", copy.Flags["chmod"]);
        Assert.Equal(["/a", "/b"], copy.Words);
        Assert.Equal(["probe", "-p", "1"], dockerfile.FinalStage[2].ExecForm);
        Assert.Equal("5s", dockerfile.FinalStage[2].Flags["interval"]);
        Assert.Equal(["/app/x", "y"], dockerfile.FinalStage[3].ExecForm);
        Assert.Null(dockerfile.FinalStage[4].ExecForm);
    }

    [Theory]
    [InlineData("FROM a\nRUNN x\n", "line 2: unknown instruction 'RUNN'")]
    [InlineData("FROM a\nRUN x \\\n", "line 2: the instruction continues past the end of the file")]
    [InlineData("FROM a\nENTRYPOINT [\"x\", \n", "not a JSON array of strings")]
    [InlineData("FROM a\nCOPY --from build /a /b\n", "flag '--from' of COPY has no =value")]
    [InlineData("RUN x\nFROM a\n", "line 1: RUN before the first FROM")]
    [InlineData("# only a comment\n", "no FROM instruction")]
    public void Garbage_is_refused_with_the_line_and_the_reason(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => Dockerfile.Parse(text, "Dockerfile.bad"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Dockerfile.bad", error.Message, StringComparison.Ordinal);
    }
}
