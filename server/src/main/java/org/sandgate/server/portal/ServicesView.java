package org.sandgate.server.portal;

import java.util.List;

/**
 * The services page: every deployed service and its methods.
 *
 * @param services the services, in the API's order
 * @param limits   each tier's ceiling, as a sentence
 */
public record ServicesView(List<Service> services, String limits) {
    /** One service. */
    public record Service(String name, String description, List<Method> methods) {
    }

    /** One method and the address of its form. */
    public record Method(String name, String kind, String description, String href) {
    }
}
