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
