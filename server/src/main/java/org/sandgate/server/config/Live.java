package org.sandgate.server.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a key of {@code sandgate.yaml} (a record component, and with it every key below it) that an
 * administrator's reload puts in force at once. Every other key is read at start only, and a reload
 * that changes it says that it needs a restart ({@link ConfigKeys#restartNeeded}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Live {
}
