package org.sandgate.server.admission;

import java.util.Optional;
import org.sandgate.server.identity.RequestCaller;
import org.sandgate.server.services.DeployedService;
import org.sandgate.server.sessions.SessionQuota;
import org.sandgate.service.Call;
import org.sandgate.service.ServiceMethod;

/**
 * A call that passed every rule: what runs, for whom, at what cost. A job's call holds one of its
 * caller's session slots until {@link Admission#launch} makes the session or gives the slot back.
 *
 * @param service the version of the service the call runs on
 * @param method  the method called
 * @param call    the caller, the bound arguments and the cost, as the service sees them
 * @param caller  who called
 * @param slot    the caller's session slot (job methods only)
 */
public record AdmittedCall(DeployedService service, ServiceMethod method, Call call, RequestCaller caller,
                           Optional<SessionQuota.Reservation> slot) {

    /** Whether the call launches a job (else it is answered at once). */
    public boolean job() {
        return method.kind() == ServiceMethod.Kind.JOB;
    }

    /** {@code service.method}, as the log and the audit name it. */
    public String what() {
        return service.name() + "." + method.name();
    }
}
