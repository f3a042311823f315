package org.sandgate.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sandgate.batch.BackendName;
import org.sandgate.batch.BatchSystem;
import org.sandgate.batch.JobRequest;
import org.sandgate.batch.JobStatus;
import org.sandgate.batch.SubmittedJob;
import org.sandgate.sandbox.Sandboxes;
import org.sandgate.sandbox.Session;
import org.sandgate.sandbox.SqliteSessionStore;
import org.sandgate.server.admin.Drain;
import org.sandgate.server.audit.AuditLog;
import org.sandgate.server.authz.AuthzCallout;
import org.sandgate.server.backends.TestBackends;
import org.sandgate.server.config.SandgateConfig;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;
import org.sandgate.server.gridmap.GridMap;
import org.sandgate.server.identity.CertificateIdentity;
import org.sandgate.server.identity.Identity;
import org.sandgate.server.identity.ProxyKind;
import org.sandgate.server.identity.ProxyPolicyKind;
import org.sandgate.server.identity.RequestCaller;
import org.sandgate.server.lifecycle.PeriodicWork;
import org.sandgate.server.policy.Policies;
import org.sandgate.server.runmode.RunMode;
import org.sandgate.server.services.DeployedService;
import org.sandgate.server.services.TestServices;
import org.sandgate.server.sessions.SessionQuota;
import org.sandgate.server.sessions.Sessions;
import org.sandgate.service.Argument;
import org.sandgate.service.JobSpec;
import org.sandgate.service.Service;
import org.sandgate.service.ServiceMethod;
import org.sandgate.service.Tier;

/** The rules a call meets before it runs, in their order, each refusal audited; no server, no sockets. */
class AdmissionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final Drain drain = new Drain();
    private final PeriodicWork work = new PeriodicWork();
    private SqliteSessionStore store;
    private AuditLog audit;
    private Sessions sessions;
    private String callout = "";
    private SessionQuota quota;
    private DeployedService service;
    private volatile boolean backendRefuses;

    /** A back end that takes every job and reports it running (or refuses, when the test says so). */
    private final BatchSystem slurm = new BatchSystem() {
        @Override
        public BackendName name() {
            return BackendName.SLURM;
        }

        @Override
        public String submit(JobRequest request) {
            if (backendRefuses) {
                throw new org.sandgate.batch.BackendException("sbatch: error: slurmctld is down");
            }
            return "1";
        }

        @Override
        public Map<String, JobStatus> status(java.util.Collection<SubmittedJob> jobs) {
            return Map.of("1", JobStatus.running());
        }

        @Override
        public void cancel(SubmittedJob job) {
        }
    };

    @BeforeEach
    void start() throws Exception {
        store = new SqliteSessionStore(dir.resolve("sessions.db"));
        audit = new AuditLog(dir.resolve("audit.log"), 1 << 20, Clock.systemUTC());
        SandgateConfig defaults = SandgateConfig.defaults();
        Sandboxes sandboxes = new Sandboxes(dir.resolve("sandboxes"));
        sessions = Sessions.create(store, sandboxes, RunMode.personal(sandboxes),
                TestBackends.of(slurm), defaults.batch(), defaults.jobs(), Clock.systemUTC(), work, Duration.ofSeconds(60));
        quota = new SessionQuota(sessions.manager(), sessions.events());
        service = TestServices.deployed(new Service() {
            @Override
            public String name() {
                return "lab";
            }

            @Override
            public List<ServiceMethod> methods() {
                return List.of(
                        ServiceMethod.immediate("echo").argument(Argument.string("text"))
                                .cost(args -> args.string("text").length()).handler(call -> call.arguments().asMap()),
                        ServiceMethod.job("run").argument(Argument.integer("cost"))
                                .cost(args -> args.integer("cost")).jobHandler((call, context) -> JobSpec.of("true")));
            }
        }, Optional.of(BackendName.SLURM));
        work.start();
    }

    @AfterEach
    void stop() throws Exception {
        work.stop();
        audit.close();
        store.close();
    }

    private Admission admission() {
        SandgateConfig config = SandgateConfig.defaults();
        Policies policies = new Policies(config, GridMap::empty);
        SandgateConfig.Authz authz = new SandgateConfig.Authz(callout, Duration.ofSeconds(5), Duration.ZERO);
        return new Admission(policies, new AuthzCallout(() -> authz, Clock.systemUTC()), audit, drain, quota,
                sessions.manager());
    }

    private static RequestCaller caller(Tier tier, boolean limitedProxy, String... accounts) {
        CertificateIdentity cert = new CertificateIdentity("/CN=Jane", "CN=Jane", "/CN=Test CA",
                limitedProxy ? ProxyKind.RFC3820 : ProxyKind.NONE, limitedProxy, Instant.now().plusSeconds(3600),
                "CN=Jane", limitedProxy ? ProxyPolicyKind.LIMITED : ProxyPolicyKind.NONE, limitedProxy, List.of(),
                Optional.empty(), Optional.empty());
        return new RequestCaller(new Identity(tier, Optional.of(cert)), List.of(accounts), "192.0.2.7");
    }

    private static JsonNode args(String json) throws IOException {
        return JSON.readTree(json);
    }

    private ErrorCode refusal(RequestCaller caller, String method, String args) throws IOException {
        JsonNode a = args(args);
        return assertThrows(Refusal.class, () -> admission().admit(caller, service, method, a)).errorCode();
    }

    /** The audit's authorization lines, as decision and reason. */
    private List<String> decisions() throws IOException {
        return Files.readAllLines(dir.resolve("audit.log")).stream().map(line -> {
            try {
                return JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).filter(n -> n.path("event").asText().equals("authorization"))
                .map(n -> n.path("decision").asText() + " " + n.path("reason").asText()).toList();
    }

    @Test
    void anUnknownMethodIsNotFound() throws IOException {
        assertEquals(ErrorCode.NOT_FOUND, refusal(caller(Tier.STRONG, false, "jane"), "nothing", "{}"));
        assertTrue(decisions().get(0).startsWith("deny not_found: service lab has no method 'nothing'"), decisions().toString());
    }

    @Test
    void aLimitedProxyIsRefusedBeforeAnythingElseIsLookedAt() throws IOException {
        // no account either, and arguments that do not fit: the proxy is what the caller is told
        assertEquals(ErrorCode.LIMITED_PROXY, refusal(caller(Tier.STRONG, true), "run", "{\"cost\": \"x\"}"));
    }

    @Test
    void aCallerWithoutAccountIsRefusedBeforeItsArgumentsAreRead() throws IOException {
        assertEquals(ErrorCode.NOT_AUTHORIZED, refusal(caller(Tier.STRONG, false), "run", "{\"cost\": \"x\"}"));
    }

    @Test
    void argumentsThatDoNotFitAreInvalid() throws IOException {
        assertEquals(ErrorCode.INVALID_ARGUMENT, refusal(caller(Tier.STRONG, false, "jane"), "run", "{\"cost\": \"x\"}"));
    }

    @Test
    void aCostOverTheTiersCeilingNeedsAStrongerCredentialAndIsAuditedWithTheCost() throws IOException {
        assertEquals(ErrorCode.INSUFFICIENT_CREDENTIAL,
                refusal(caller(Tier.WEAK, false, "jane"), "run", "{\"cost\": 3601}"));
        JsonNode line = JSON.readTree(Files.readAllLines(dir.resolve("audit.log")).get(0));
        assertEquals(3601.0, line.path("cost").asDouble());
        assertEquals("deny", line.path("decision").asText());
        assertEquals("lab.run", line.path("call").asText());
        admission().admit(caller(Tier.WEAK, false, "jane"), service, "run", args("{\"cost\": 3600}"));
    }

    @Test
    void drainingRefusesJobsButNotImmediateCalls() throws IOException {
        drain.set(true);
        assertEquals(ErrorCode.DRAINING, refusal(caller(Tier.STRONG, false, "jane"), "run", "{\"cost\": 1}"));
        AdmittedCall echo = admission().admit(caller(Tier.STRONG, false, "jane"), service, "echo", args("{\"text\": \"hi\"}"));
        assertEquals(2.0, echo.call().cost());
        assertEquals(List.of("deny draining: the server is draining: it takes no new jobs now", "allow "), decisions());
    }

    @Test
    void aPreviewIsToldWhatWouldRefuseTheCallBesidesItsCostAndNothingIsAudited() throws IOException {
        ServiceMethod run = service.method("run").orElseThrow();
        ServiceMethod echo = service.method("echo").orElseThrow();
        Admission admission = admission();
        assertEquals(Optional.empty(), admission.refusalBesidesCost(caller(Tier.WEAK, false, "jane"), run));
        assertEquals(ErrorCode.LIMITED_PROXY,
                admission.refusalBesidesCost(caller(Tier.STRONG, true, "jane"), run).orElseThrow().errorCode());
        assertEquals(ErrorCode.NOT_AUTHORIZED,
                admission.refusalBesidesCost(caller(Tier.STRONG, false), echo).orElseThrow().errorCode());
        drain.set(true);
        assertEquals(ErrorCode.DRAINING,
                admission.refusalBesidesCost(caller(Tier.STRONG, false, "jane"), run).orElseThrow().errorCode());
        assertEquals(Optional.empty(), admission.refusalBesidesCost(caller(Tier.STRONG, false, "jane"), echo));
        assertTrue(!Files.exists(dir.resolve("audit.log")) || decisions().isEmpty());
    }

    @Test
    void aCalloutThatDeniesIsNotAuthorizedAndItsReasonIsOnlyInTheAudit() throws IOException {
        Path program = dir.resolve("callout");
        Files.writeString(program, "#!/bin/sh\ncat > " + dir.resolve("document.json") + "\nexit 7\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        callout = program.toString();
        Refusal r = assertThrows(Refusal.class, () -> admission().admit(caller(Tier.STRONG, false, "jane"), service, "run",
                args("{\"cost\": 12}")));
        assertEquals(ErrorCode.NOT_AUTHORIZED, r.errorCode());
        assertEquals("the site's authorization policy does not allow this call", r.getMessage());
        assertEquals(List.of("deny not_authorized: callout: callout exit 7"), decisions());
        JsonNode document = JSON.readTree(dir.resolve("document.json").toFile());
        assertEquals("/CN=Jane", document.path("dn").asText());
        assertEquals("/CN=Test CA", document.path("issuer").asText());
        assertEquals("strong", document.path("tier").asText());
        assertEquals("jane", document.path("account").asText());
        assertEquals(false, document.path("proxy").asBoolean());
        assertEquals("192.0.2.7", document.path("addr").asText());
        assertEquals("lab", document.path("service").asText());
        assertEquals("run", document.path("method").asText());
        assertEquals(12.0, document.path("cost").asDouble());
    }

    @Test
    void aCallerAtItsSessionLimitIsToldToRetryAndAFailedLaunchGivesItsSlotBack() throws IOException {
        RequestCaller weak = caller(Tier.WEAK, false, "jane");
        int limit = SandgateConfig.defaults().limits().sessions().of(Tier.WEAK);
        for (int i = 0; i < limit; i++) {
            Session s = admission().launch(admission().admit(weak, service, "run", args("{\"cost\": 1}")));
            assertEquals("1", s.backendJobId().orElseThrow());
        }
        assertEquals(ErrorCode.TOO_MANY_SESSIONS, refusal(weak, "run", "{\"cost\": 1}"));
        sessions.manager().remove(sessions.manager().ownedBy("CN=Jane", Optional.empty()).get(0));

        backendRefuses = true;
        AdmittedCall admitted = admission().admit(weak, service, "run", args("{\"cost\": 1}"));
        Refusal r = assertThrows(Refusal.class, () -> admission().launch(admitted));
        assertEquals(ErrorCode.BACKEND_UNAVAILABLE, r.errorCode());
        backendRefuses = false;
        // the slot the failed launch held is free again
        Session s = admission().launch(admission().admit(weak, service, "run", args("{\"cost\": 1}")));
        List<String> d = decisions();
        assertEquals("allow ", d.get(d.size() - 1));
        JsonNode last = JSON.readTree(Files.readAllLines(dir.resolve("audit.log")).stream()
                .filter(l -> l.contains("\"authorization\"")).reduce((a, b) -> b).orElseThrow());
        assertEquals(s.id().value(), last.path("session").asText());
    }
}
