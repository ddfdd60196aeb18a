package org.latentcl.cli;

/** Bad input from the user: reported as one line on stderr with exit code 2. */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
