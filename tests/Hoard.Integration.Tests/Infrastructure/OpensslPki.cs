using System.Diagnostics;
using System.Text;

namespace Hoard.Integration.Tests.Infrastructure;

/// <summary>
/// A throw-away certificate authority made with the <c>openssl</c> command, the way an operator would make
/// one (docs/configuration.md shows the same commands): a CA, a server certificate for 127.0.0.1/localhost and
/// a client certificate, as PEM files in a temp directory.
/// </summary>
public sealed class OpensslPki : IDisposable
{
    public const string Openssl = "/usr/bin/openssl";

    public OpensslPki()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("hoard-pki-").FullName;
        Run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Hoard Test CA");
        Issue("server", "/O=Hoard Tests/CN=localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        Issue("client", "/CN=hoard test client", "extendedKeyUsage=clientAuth\n");
    }

    public string Directory { get; }

    public string CaFile => Path("ca.pem");

    public string ServerCertificate => Path("server.pem");

    public string ServerKey => Path("server.key");

    public string ClientCertificate => Path("client.pem");

    public string ClientKey => Path("client.key");

    public string Path(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>Issues <paramref name="name"/>.pem and .key signed by the CA.</summary>
    public void Issue(string name, string subject, string extensions)
    {
        File.WriteAllText(Path(name + ".ext"), extensions);
        Run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
        Run("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    /// <summary>A certificate's serial number as .NET prints it (hex, upper case).</summary>
    public string Serial(string certificateFile) =>
        Run("x509", "-noout", "-serial", "-in", certificateFile).Stdout.Trim().Replace("serial=", "", StringComparison.Ordinal);

    /// <summary>Runs openssl in the PKI directory; a failure throws with its output.</summary>
    public ChildProcess.Result Run(params string[] arguments) => RunWithInput(null, TimeSpan.FromSeconds(30), arguments, check: true);

    /// <summary>Runs openssl in the PKI directory, feeding <paramref name="input"/> (if any) on stdin; unless <paramref name="check"/>, the exit code is returned, not checked.</summary>
    public ChildProcess.Result RunWithInput(string? input, TimeSpan timeout, IEnumerable<string> arguments, bool check = false)
    {
        if (!File.Exists(Openssl))
            throw new InvalidOperationException($"{Openssl} is not installed (test.sh installs the openssl package).");
        var info = ChildProcess.StartInfo(Openssl, arguments);
        info.WorkingDirectory = Directory;
        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (input is not null)
                process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // openssl ended before reading everything (a refused handshake); its output says why.
        }
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        process.WaitForExit();
        ChildProcess.Result result;
        lock (stdout)
        lock (stderr)
            result = new ChildProcess.Result(process.HasExited ? process.ExitCode : -1, stdout.ToString(), stderr.ToString());
        if (check && result.ExitCode != 0)
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed: {result}");
        return result;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
