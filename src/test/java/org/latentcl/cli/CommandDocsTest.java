package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command has a page in docs/commands/ with an example and the command's current
 * {@code --help}, and docs/COMMANDS.md links to it: a new flag or command without docs fails here.
 */
class CommandDocsTest {
    private static void leaves(CommandLine cl, String prefix, List<String> out) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (e.getValue().getCommand() instanceof CommandLine.HelpCommand) {
                continue; // picocli's own "help COMMAND", the same as COMMAND --help
            }
            String name = prefix.isEmpty() ? e.getKey() : prefix + " " + e.getKey();
            if (e.getValue().getSubcommands().isEmpty()) {
                out.add(name);
            } else {
                leaves(e.getValue(), name, out);
            }
        }
    }

    /**
     * The selftest examples in README and docs/ count the checks the registry holds today (twice that where the example
     * checks both kernel styles, on the simulator or with --kernels all), so a new check cannot leave a stale count.
     */
    @Test
    void documentedSelftestCountsAreTheRegistrys() throws IOException {
        int checks = org.latentcl.backend.ops.SelfTest.all().size();
        java.util.regex.Pattern done = java.util.regex.Pattern.compile("all (\\d+) checks passed");
        int seen = 0;
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md"), Path.of("docs/COMMANDS.md")));
        try (var files = Files.list(Path.of("docs/commands"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        for (Path page : pages) {
            String command = "";
            for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
                if (line.startsWith("$ ")) {
                    command = line;
                }
                java.util.regex.Matcher m = done.matcher(line);
                if (m.find() && command.contains(" selftest")) {
                    boolean both = command.contains("oclgrind") || command.contains("--kernels all");
                    org.junit.jupiter.api.Assertions.assertEquals(both ? 2 * checks : checks, Integer.parseInt(m.group(1)),
                            page + ": '" + line.strip() + "' after '" + command + "'");
                    seen++;
                }
            }
        }
        assertTrue(seen >= 3, "the selftest examples were found: " + seen);
    }

    /** picocli shows each option's default itself, so a description that also says "Default:" shows it twice. */
    @Test
    void noOptionStatesItsDefaultTwice() {
        List<String> twice = new ArrayList<>();
        collectDoubledDefaults(new CommandLine(new Main()), twice);
        assertTrue(twice.isEmpty(), "options whose description repeats picocli's default line: " + twice);
    }

    private static void collectDoubledDefaults(CommandLine cl, List<String> out) {
        for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
            String text = String.join(" ", o.description());
            if (text.contains("Default:") && o.defaultValue() != null && cl.getCommandSpec().usageMessage().showDefaultValues()) {
                out.add(cl.getCommandName() + " " + o.longestName());
            }
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            collectDoubledDefaults(sub, out);
        }
    }

    @Test
    void everyCommandHasAPageWithAnExampleAndItsCurrentHelp() throws IOException {
        List<String> commands = new ArrayList<>();
        leaves(new CommandLine(new Main()), "", commands);
        assertTrue(commands.contains("train vae") && commands.contains("bench gemm"), commands.toString());
        String index = Files.readString(Path.of("docs/COMMANDS.md"), StandardCharsets.UTF_8);
        for (String command : commands) {
            String file = command.replace(' ', '-') + ".md";
            Path page = Path.of("docs/commands", file);
            assertTrue(Files.isRegularFile(page), "no page " + page + " for '" + command + "'");
            String text = Files.readString(page, StandardCharsets.UTF_8);
            StringWriter out = new StringWriter();
            List<String> args = new ArrayList<>(List.of(command.split(" ")));
            args.add("--help");
            Main.run(args.toArray(new String[0]), new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
            String help = out.toString().strip();
            assertFalse(help.isEmpty());
            assertTrue(text.contains("$ java -jar target/latentcl.jar " + command + " --help\n" + help + "\n"),
                    page + " does not show the current --help of '" + command + "'");
            assertTrue(text.split("\\$ java -jar target/latentcl.jar " + command, -1).length >= 3,
                    page + " needs an example besides --help");
            assertTrue(index.contains("commands/" + file), "docs/COMMANDS.md does not link to " + file);
        }
    }
}
