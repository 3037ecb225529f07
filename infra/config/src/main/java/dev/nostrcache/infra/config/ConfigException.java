package dev.nostrcache.infra.config;

/** A configuration problem, described so that the operator knows which key or file to fix. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
