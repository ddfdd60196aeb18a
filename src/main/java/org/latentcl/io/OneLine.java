package org.latentcl.io;

/**
 * Error messages are one line, even when they quote a file's own bytes (a header, a tensor name):
 * line breaks become {@code \n}, other control characters {@code ?}, and a long quote is cut.
 */
public final class OneLine {
    /** The longest message kept whole. */
    static final int MAX = 400;

    private OneLine() {
    }

    public static String of(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(Math.min(message.length(), MAX + 3));
        for (int i = 0; i < message.length() && sb.length() < MAX; i++) {
            char c = message.charAt(i);
            if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                sb.append('?');
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= MAX && message.length() > MAX) {
            sb.append("...");
        }
        return sb.toString();
    }
}
