package org.latentcl.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file LatentCL writes could not be written: the place is unwritable, read-only or full. The
 * message names the path and the cause in one line; the command line turns it into exit code 2,
 * since where output goes is the user's choice. Nothing half-written is left behind.
 */
public final class OutputException extends IOException {
    private static final long serialVersionUID = 1L;

    public OutputException(Path path, IOException cause) {
        super("cannot write " + path + ": " + reason(cause), cause);
    }

    /** The same failure with what it means for the run that met it ("The run stopped in epoch 3. ..."). */
    public OutputException(OutputException failure, String consequence) {
        super(failure.getMessage() + ". " + consequence, failure.getCause());
    }

    /** Why a file operation failed, in words: Java's exceptions often carry only the path. */
    public static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "the file system does not allow it there (a missing or read-only parent)";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
    }
}
