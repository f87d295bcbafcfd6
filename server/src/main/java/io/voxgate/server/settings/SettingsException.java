package io.voxgate.server.settings;

/** A setting that stops the start: names the key and says what is expected. */
public final class SettingsException extends RuntimeException {

    private final String key;

    public SettingsException(String source, String key, String problem) {
        super(source + ": " + key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
