package org.latentcl.data;

/** A dataset could not be found or read; the message names the file and what is wrong. */
public class DataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
