/**
 * Sessions and their sandbox directories: session ids, the durable state store, file serving and
 * retention. Filled in with the service-call capability.
 */
package org.sandgate.sandbox;
