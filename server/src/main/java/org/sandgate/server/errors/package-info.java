/**
 * Refusals: the API's error codes and the exception any layer throws to refuse a request. Nothing here
 * knows HTTP beyond the status number; the API layer maps a {@link org.sandgate.server.errors.Refusal}
 * to a response in one place.
 */
package org.sandgate.server.errors;
