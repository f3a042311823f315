package org.sandgate.service;

/** The JSON type an argument has. */
public enum ArgumentType {
    /** A whole number (JSON number without fraction), as a {@code long}. */
    INTEGER,
    /** Any finite JSON number, as a {@code double}. */
    NUMBER,
    /** A JSON string. */
    STRING,
    /** {@code true} or {@code false}. */
    BOOLEAN
}
