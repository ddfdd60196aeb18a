package org.latentcl.cli;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve's refusals: one line, exit 2 (a port in use, a port out of range, a file given as the runs folder). */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void aPortInUseIsOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Cli.usageError(Cli.run("serve", "--runs", dir.toString(), "--port", Integer.toString(port)),
                    "port " + port + " on 127.0.0.1 is in use (or not ours to take): choose another with --port");
        }
    }

    @Test
    void badFlagsAreOneLine() throws Exception {
        Cli.usageError(Cli.run("serve", "--port", "70000"), "--port must lie in 0..65535, got 70000");
        Path file = Files.writeString(dir.resolve("runs.txt"), "x");
        Cli.usageError(Cli.run("serve", "--runs", file.toString(), "--port", "0"), "--runs " + file + " is a file, not a folder of runs");
    }
}
