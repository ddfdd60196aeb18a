package org.latentcl.data;

/** A dataset could not be found or read; the message names the file and what is wrong, in one line. */
public class DataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * An error with its message.
     *
     * @param message names the file and what is wrong
     */
    public DataException(String message) {
        super(org.latentcl.io.OneLine.of(message));
    }

    /**
     * An error with its message and cause.
     *
     * @param message names the file and what is wrong
     * @param cause   the underlying error
     */
    public DataException(String message, Throwable cause) {
        super(org.latentcl.io.OneLine.of(message), cause);
    }
}
