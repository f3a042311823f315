package org.sandgate.service;

import java.util.List;

/**
 * A service: a dotted name and its methods. Plugin jars provide implementations through
 * {@code META-INF/services/org.sandgate.service.Service}; each plugin lives in its own class loader
 * that sees this package and the JDK, nothing else of the server.
 *
 * <p>The Clarens call {@code apple.xray.juliet.init(...)} is the method {@code init} of the service
 * named {@code apple.xray.juliet}, reached at {@code POST /api/v1/services/apple/xray/juliet/init}.
 */
public interface Service {

    /** The dotted name: lower-case words of letters, digits and {@code _}, separated by dots. */
    String name();

    /** A line that says what the service is for. */
    default String description() {
        return "";
    }

    /** The methods; read once when the service is deployed. */
    List<ServiceMethod> methods();
}
