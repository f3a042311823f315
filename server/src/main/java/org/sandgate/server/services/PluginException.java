package org.sandgate.server.services;

/** A plugin jar cannot be deployed; the message says why. */
public class PluginException extends RuntimeException {
    public PluginException(String message) {
        super(message);
    }
}
