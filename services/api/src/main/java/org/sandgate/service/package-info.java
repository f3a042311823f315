/**
 * The service API of Sandgate: what a service plugin sees of the container.
 *
 * <p>This package depends on nothing beyond the JDK, so that a plugin's class loader can see it and
 * nothing else of the server.
 */
package org.sandgate.service;
