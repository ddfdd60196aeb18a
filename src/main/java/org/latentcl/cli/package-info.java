/**
 * The command line: a thin client of the library. Parses flags (picocli), calls the library,
 * prints results, and maps failures to exit codes (0 success, 2 bad usage or input, 1 internal)
 * with one line on stderr. Nothing here computes anything the library cannot.
 *
 * <p>Internal: not part of the API (that is {@code org.latentcl} and {@code org.latentcl.data}).
 */
package org.latentcl.cli;
