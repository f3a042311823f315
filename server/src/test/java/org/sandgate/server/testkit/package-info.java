/**
 * The test kit shared by the modules' full-stack tests: a site with its users and services, started
 * for the tests of a class ({@link org.sandgate.server.testkit.Site}, a JUnit 5 extension), its
 * certificates made by the development CA ({@link org.sandgate.server.testkit.TestPki}), the real
 * server on ephemeral ports ({@link org.sandgate.server.testkit.TestServer}), an HTTPS client that
 * presents one credential ({@link org.sandgate.server.testkit.Https}), the one deadline loop
 * ({@link org.sandgate.server.testkit.Await}) and real external programs
 * ({@link org.sandgate.server.testkit.Tools}). The server module publishes it as its test-jar.
 */
package org.sandgate.server.testkit;
