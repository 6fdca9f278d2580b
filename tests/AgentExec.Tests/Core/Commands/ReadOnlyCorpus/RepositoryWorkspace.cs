using System.Diagnostics;
using System.Text;
using AgentExec.Core.Commands;

namespace AgentExec.Tests.Core.Commands.ReadOnlyCorpus;

/// <summary>
/// A small but ordinary repository an agent works on (a .NET solution with a JavaScript front matter, docs, data
/// files, a Makefile), committed twice with git, with a tag, a second branch and an uncommitted edit, so that the
/// paths the corpus lines name exist and the git lines have history to read. A home directory lies beside it.
/// </summary>
/// <remarks>Public because xUnit hands it to test classes' public constructors as a class fixture.</remarks>
public sealed class RepositoryWorkspace : IDisposable
{
    private readonly TemporaryDirectory root = new();

    /// <summary>Builds the workspace; fails loudly when git cannot run, since half the corpus is git inspection.</summary>
    public RepositoryWorkspace()
    {
        Directory = System.IO.Directory.CreateDirectory(root.File("shop")).FullName;
        Home = System.IO.Directory.CreateDirectory(root.File("home")).FullName;
        Context = KnownSafeJudge.ContextFor(Directory, Home);

        WriteFirstVersion();
        Git("init", "-q", "-b", "main");
        Git("add", "-A");
        Git("commit", "-q", "-m", "Orders API with an in-memory store");
        Git("tag", "v0.1.0");
        WriteSecondVersion();
        Git("add", "-A");
        Git("commit", "-q", "-m", "Cancel orders; document the API");
        Git("branch", "feature/discounts");
        File.AppendAllText(Path("src/Core/OrderService.cs"), "// TODO: persist orders\n");
        File.WriteAllText(Path("notes.txt"), "scratch notes, not committed\n");
    }

    /// <summary>The workspace directory (the repository's top level), where the lines start.</summary>
    public string Directory { get; }

    /// <summary>The home directory the lines see, outside the workspace.</summary>
    public string Home { get; }

    /// <summary>The judge's context for a line that starts at the top of the workspace.</summary>
    public AnalysisContext Context { get; }

    public void Dispose() => root.Dispose();

    private string Path(string relative) => System.IO.Path.Combine(Directory, relative);

    private void Write(string relative, string content)
    {
        var path = Path(relative);
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private void WriteFirstVersion()
    {
        Write("README.md", Lines("# Shop", "An orders API.", 70, i => $"Line {i} of the readme: run `make test` before a pull request."));
        Write("CHANGELOG.md", "# Changelog\n\n## 0.1.0\n- Orders API\n");
        Write("LICENSE", "MIT License\n\nCopyright (c) 2026 Shop contributors\n");
        Write(".gitignore", "bin/\nobj/\nnode_modules/\n*.log\n.env\n");
        Write(".editorconfig", "root = true\n\n[*.cs]\nindent_style = space\nindent_size = 4\n");
        Write("global.json", "{ \"sdk\": { \"version\": \"10.0.100\" } }\n");
        Write("package.json", """
            {
              "name": "shop-web",
              "version": "0.1.0",
              "private": true,
              "scripts": { "build": "tsc", "lint": "eslint web", "test": "vitest run" },
              "dependencies": { "react": "^19.0.0", "zod": "^3.23.0" },
              "devDependencies": { "typescript": "^5.6.0", "vitest": "^2.1.0", "eslint": "^9.0.0" }
            }

            """);
        Write("tsconfig.json", "{ \"compilerOptions\": { \"strict\": true, \"outDir\": \"dist\" } }\n");
        Write("Makefile", "build:\n\tdotnet build Shop.sln\n\ntest:\n\tdotnet test Shop.sln\n");
        Write("Shop.sln", "Microsoft Visual Studio Solution File, Format Version 12.00\n");
        Write("src/Api/Api.csproj", Project("Microsoft.NET.Sdk.Web"));
        Write("src/Api/Program.cs", Code("Program", 60));
        Write("src/Api/Controllers/OrdersController.cs", Code("OrdersController", 140));
        Write("src/Api/appsettings.json", "{ \"Logging\": { \"LogLevel\": { \"Default\": \"Information\" } }, \"AllowedHosts\": \"*\" }\n");
        Write("src/Api/appsettings.Development.json", "{ \"Logging\": { \"LogLevel\": { \"Default\": \"Debug\" } } }\n");
        Write("src/Core/Core.csproj", Project("Microsoft.NET.Sdk"));
        Write("src/Core/Order.cs", Code("Order", 80));
        Write("src/Core/OrderService.cs", Code("OrderService", 220));
        Write("src/Core/Money.cs", Code("Money", 50));
        Write("tests/Core.Tests/Core.Tests.csproj", Project("Microsoft.NET.Sdk"));
        Write("tests/Core.Tests/OrderServiceTests.cs", Code("OrderServiceTests", 120));
        Write("web/index.ts", "import { render } from './app';\n\nrender(document.getElementById('root'));\n");
        Write("web/app.ts", "export function render(root: HTMLElement | null) {\n  // TODO: routing\n}\n");
        Write("docs/architecture.md", Lines("# Architecture", "Api calls Core; Core owns the orders.", 40, i => $"Section {i}."));
        Write("scripts/setup.sh", "#!/usr/bin/env bash\nset -euo pipefail\ndotnet restore\nnpm ci\n");
        Write("data/orders.csv", Lines("id,customer,status,total", null, 30, i => $"{i},customer{i % 7},{(i % 3 == 0 ? "paid" : "open")},{i * 3}.50"));
        Write("data/names.txt", Lines("alice", "bob", 20, i => i % 4 == 0 ? "alice" : $"name{i % 5}"));
        File.WriteAllBytes(Path("data/logo.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]);
    }

    private void WriteSecondVersion()
    {
        File.AppendAllText(Path("src/Core/OrderService.cs"), "public static class OrderCancellation { public static bool Cancel(int id) => id > 0; }\n");
        File.AppendAllText(Path("CHANGELOG.md"), "\n## Unreleased\n- Cancel orders\n");
        Write("docs/api.md", Lines("# API", "GET /orders, POST /orders, DELETE /orders/{id}", 30, i => $"Endpoint note {i}."));
    }

    private void Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Neither the machine's nor the user's git configuration may shape the fixture.
        start.Environment["HOME"] = Home;
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "Shop Developer";
        start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "dev@shop.example";
        using var git = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        var stderr = git.StandardError.ReadToEndAsync();
        git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        if (git.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({git.ExitCode}): {stderr.Result}");
        }
    }

    private static string Project(string sdk) =>
        $"<Project Sdk=\"{sdk}\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n";

    private static string Code(string type, int lines) =>
        Lines("namespace Shop;", $"public sealed partial class {type} {{ }}", lines, i => (i % 17) switch
        {
            0 => "    // TODO: validate the order before saving it",
            5 => $"    public async Task<Order?> FindAsync{i}(int id) => await Task.FromResult<Order?>(null);",
            9 => $"    private static readonly string Name{i} = \"{type}\";",
            _ => $"    // {type} line {i}",
        });

    private static string Lines(string first, string? second, int count, Func<int, string> line)
    {
        var text = new StringBuilder().Append(first).Append('\n');
        if (second is not null)
        {
            text.Append(second).Append('\n');
        }

        for (var i = 1; i <= count; i++)
        {
            text.Append(line(i)).Append('\n');
        }

        return text.ToString();
    }
}
