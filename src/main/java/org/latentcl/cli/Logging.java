package org.latentcl.cli;

/**
 * Configures the SLF4J simple binding for the command line: one plain line per message on
 * stderr ("INFO device: ..."), debug detail with --verbose. Must run before the first logger.
 */
final class Logging {
    private Logging() {
    }

    static void configure(boolean verbose) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "info");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "false");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "false");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        // The dashboard's HTTP server announces its start-up at INFO; serve prints its own line.
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", verbose ? "debug" : "warn");
    }
}
