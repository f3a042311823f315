package org.sandgate.server.sessions;

import java.util.List;
import java.util.Map;

/** A job as stored with its session (JSON), so a queued job survives a restart. */
record StoredJob(List<String> argv, Map<String, String> environment, long wallSeconds) {
}
