package io.voxgate.provisioning.template;

/**
 * A template that does not compile, or names a variable the model does not have. The message starts
 * with {@code file:line:} so an operator editing an override goes straight to the mistake.
 */
public final class InvalidTemplateException extends RuntimeException {

    private final String file;
    private final int line;

    InvalidTemplateException(String file, int line, String reason, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason, cause);
        this.file = file;
        this.line = line;
    }

    /** The template's path (an override) or classpath resource name (a built-in). */
    public String file() {
        return file;
    }

    /** 1-based line of the mistake, 0 when mustache did not say. */
    public int line() {
        return line;
    }
}
