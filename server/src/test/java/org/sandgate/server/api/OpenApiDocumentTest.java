package org.sandgate.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Path;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.glassfish.jersey.server.model.Parameter;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against the code: every route the server answers — the Jersey resources'
 * methods, read from Jersey's own resource model of every {@code @Path} class of this package, and
 * the routes served by Jetty handlers outside Jersey — is in the document, and nothing else is; each
 * operation declares its path and query parameters and its body as the code takes them, a success
 * status, and errors in the one error shape.
 */
class OpenApiDocumentTest {
    /** Routes served outside Jersey (WhoamiHandler, SessionEventsHandler, OpenApiHandler, HealthHandler, MetricsHandler, SandboxHandler). */
    private static final Set<String> HANDLER_ROUTES = Set.of(
            "GET /api/v1/whoami",
            "GET /api/v1/sessions/{id}/events",
            "GET /api/v1/openapi.json",
            "GET /health",
            "GET /metrics",
            "GET /sandbox/{id}/",
            "GET /sandbox/{id}/{path}");
    private static final Pattern TEMPLATE = Pattern.compile("\\{(\\w+)(?:\\s*:[^}]*)?}");

    private static JsonNode doc;
    /** "METHOD /path" of every Jersey resource method, with its Jersey model. */
    private static final Map<String, ResourceMethod> JERSEY = new TreeMap<>();

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream("/org/sandgate/server/api/openapi.json")) {
            doc = new ObjectMapper().readTree(in);
        }
        for (Class<?> resource : resourceClasses()) {
            collect(Resource.from(resource), "");
        }
    }

    /** Every class of this package that JAX-RS would take as a root resource. */
    private static List<Class<?>> resourceClasses() throws URISyntaxException, java.io.IOException, ClassNotFoundException {
        java.nio.file.Path dir = java.nio.file.Path.of(ApiPaths.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("org/sandgate/server/api");
        List<Class<?>> classes = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (java.nio.file.Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    Class<?> c = Class.forName("org.sandgate.server.api." + name.replace(".class", ""));
                    if (c.isAnnotationPresent(Path.class)) {
                        classes.add(c);
                    }
                }
            }
        }
        assertTrue(classes.size() >= 6, "the resources were found: " + classes);
        return classes;
    }

    private static void collect(Resource resource, String parent) {
        String path = join(parent, resource.getPath());
        for (ResourceMethod m : resource.getResourceMethods()) {
            JERSEY.put(m.getHttpMethod() + " " + path, m);
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path);
        }
    }

    private static String join(String parent, String path) {
        String p = path == null ? "" : path.replaceAll("^/+|/+$", "");
        String joined = p.isEmpty() ? parent : parent + "/" + p;
        return TEMPLATE.matcher(joined).replaceAll("{$1}");
    }

    private static Set<String> documented() {
        Set<String> routes = new TreeSet<>();
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(
                op -> routes.add(op.getKey().toUpperCase() + " " + path.getKey())));
        return routes;
    }

    @Test
    void isOpenApi31WithTheBuildsVersionFilledIn() {
        assertEquals("3.1.0", doc.path("openapi").asText());
        assertEquals("${project.version}", doc.path("info").path("version").asText(),
                "the build puts its version in: the server when it serves the document, the archive when it packs it");
    }

    @Test
    void everyRouteTheServerAnswersIsDocumentedAndNothingElse() {
        Set<String> answered = new TreeSet<>(JERSEY.keySet());
        answered.addAll(HANDLER_ROUTES);
        Set<String> documented = documented();
        Set<String> missing = new TreeSet<>(answered);
        missing.removeAll(documented);
        Set<String> extra = new TreeSet<>(documented);
        extra.removeAll(answered);
        assertEquals(Set.of(), missing, "routes the server answers that the document lacks");
        assertEquals(Set.of(), extra, "routes in the document that the server does not answer");
    }

    @Test
    void everyOperationDeclaresItsParametersAndBodyAsTheCodeTakesThem() {
        for (String route : documented()) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            JsonNode op = doc.path("paths").path(path).path(method.toLowerCase());
            Set<String> pathParams = new TreeSet<>();
            Matcher m = TEMPLATE.matcher(path);
            while (m.find()) {
                pathParams.add(m.group(1));
            }
            assertEquals(pathParams, params(op, "path"), route + ": its path parameters");
            ResourceMethod jersey = JERSEY.get(route);
            if (jersey == null) {
                continue;
            }
            List<Parameter> taken = jersey.getInvocable().getParameters();
            Set<String> query = taken.stream().filter(p -> p.getSource() == Parameter.Source.QUERY)
                    .map(Parameter::getSourceName).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(query, params(op, "query"), route + ": its query parameters");
            boolean body = taken.stream().anyMatch(p -> p.getSource() == Parameter.Source.ENTITY);
            assertEquals(body, op.has("requestBody"), route + ": a request body exactly when the method reads one");
        }
    }

    @Test
    void everyOperationHasASuccessStatusAndItsErrorsInTheOneErrorShape() {
        JsonNode error = doc.path("components").path("schemas").path("Error");
        assertEquals(Set.of("error", "message"), names(error.path("required")), "the error shape: {error, message}");
        for (String route : documented()) {
            String method = route.substring(0, route.indexOf(' ')).toLowerCase();
            String path = route.substring(route.indexOf(' ') + 1);
            JsonNode responses = doc.path("paths").path(path).path(method).path("responses");
            Set<String> codes = new TreeSet<>();
            responses.fieldNames().forEachRemaining(codes::add);
            assertTrue(codes.stream().anyMatch(c -> c.startsWith("2")), route + " has a success status: " + codes);
            for (String code : codes) {
                if (code.startsWith("4") && !code.equals("416") || code.startsWith("5")) {
                    JsonNode r = responses.path(code);
                    String ref = r.path("$ref").asText();
                    assertTrue(ref.startsWith("#/components/responses/"), route + " " + code + " is a shared error response");
                    JsonNode shared = doc.path("components").path("responses").path(ref.substring(ref.lastIndexOf('/') + 1));
                    assertEquals("#/components/schemas/Error",
                            shared.path("content").path("application/json").path("schema").path("$ref").asText(),
                            route + " " + code + " answers the one error shape");
                }
            }
            boolean open = route.equals("GET /health") || route.equals("GET /metrics") || route.equals("GET /api/v1/openapi.json");
            JsonNode security = doc.path("paths").path(path).path(method).path("security");
            assertEquals(open, security.isArray() && security.isEmpty(), route + ": unauthenticated exactly when it is open");
            assertFalse(open && codes.contains("401"), route);
        }
    }

    private static Set<String> params(JsonNode op, String in) {
        Set<String> names = new TreeSet<>();
        op.path("parameters").forEach(p -> {
            if (p.path("in").asText().equals(in)) {
                names.add(p.path("name").asText());
            }
        });
        return names;
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new TreeSet<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }
}
