package org.sandgate.server.lifecycle;

import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * A resource that is open from the moment it is made (a store, a log file, a native library)
 * brought under the server's life cycle: stopping closes it, after every component added later has
 * stopped.
 */
public final class Closer extends AbstractLifeCycle {
    private final String name;
    private final AutoCloseable resource;

    /** @param name what the resource is, for the life cycle's dump */
    public Closer(String name, AutoCloseable resource) {
        this.name = name;
        this.resource = resource;
    }

    @Override
    protected void doStop() throws Exception {
        resource.close();
    }

    @Override
    public String toString() {
        return "close " + name;
    }
}
