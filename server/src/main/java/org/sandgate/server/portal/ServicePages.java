package org.sandgate.server.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.Fields;
import org.sandgate.server.identity.RequestCaller;
import org.sandgate.server.json.StrictJson;

/**
 * The services pages: the list of services, one form per method generated from its schema, the
 * cost preview as the form is filled in ({@code /portal/cost/...}, a fragment for htmx; without
 * JavaScript the form's <em>Preview the cost</em> button shows the same on the page), and the
 * submission, which calls the method through the API: a job goes to its session's page, an
 * immediate method's result is shown, a refusal is shown next to the field it concerns.
 */
final class ServicePages implements PortalHandler.Section {
    private static final String SERVICES = "/portal/services";
    private static final String COST = "/portal/cost/";

    private final Pages pages;
    private final ApiClient api;
    private final FormTokens tokens;

    ServicePages(Pages pages, ApiClient api, FormTokens tokens) {
        this.pages = pages;
        this.api = api;
        this.tokens = tokens;
    }

    /** A method found in the API's list of services. */
    private record Found(JsonNode service, JsonNode method, String path) {
        String name() {
            return service.path("name").asText();
        }

        String methodName() {
            return method.path("name").asText();
        }
    }

    @Override
    public Optional<PortalHandler.Page> answer(PortalHandler.Exchange x) {
        String path = x.path();
        if (!path.equals(SERVICES) && !path.startsWith(SERVICES + "/") && !path.startsWith(COST)) {
            return Optional.empty();
        }
        if (x.caller().isEmpty()) {
            return Optional.of(pages.refused(x));
        }
        RequestCaller caller = x.caller().get();
        boolean read = HttpMethod.GET.is(x.method()) || HttpMethod.HEAD.is(x.method());
        if (path.equals(SERVICES) || path.equals(SERVICES + "/")) {
            return Optional.of(read ? list(x, caller) : pages.notAllowed(x));
        }
        boolean cost = path.startsWith(COST);
        Optional<Found> found = find(x, caller, cost ? path.substring(COST.length())
                : path.substring(SERVICES.length() + 1));
        if (found.isEmpty()) {
            return Optional.of(pages.problem(x, 404, "Not found", "No such service or method is deployed.", null));
        }
        if (cost) {
            return Optional.of(read ? costFragment(x, caller, found.get()) : pages.notAllowed(x));
        }
        if (read) {
            return Optional.of(form(x, caller, found.get()));
        }
        if (HttpMethod.POST.is(x.method())) {
            return Optional.of(submit(x, caller, found.get()));
        }
        return Optional.of(pages.notAllowed(x));
    }

    private PortalHandler.Page list(PortalHandler.Exchange x, RequestCaller caller) {
        ApiClient.Answer answer = api.get(caller, x.base(), "/api/v1/services");
        if (!answer.ok()) {
            return pages.apiProblem(x, answer);
        }
        List<ServicesView.Service> services = new ArrayList<>();
        for (JsonNode s : answer.body().path("services")) {
            List<ServicesView.Method> methods = new ArrayList<>();
            String name = s.path("name").asText();
            for (JsonNode m : s.path("methods")) {
                methods.add(new ServicesView.Method(m.path("name").asText(), m.path("kind").asText(),
                        m.path("description").asText(""), SERVICES + "/" + name.replace('.', '/') + "/"
                        + m.path("name").asText()));
            }
            services.add(new ServicesView.Service(name, s.path("description").asText(""), methods));
        }
        JsonNode limits = answer.body().path("cost_limits");
        List<String> parts = new ArrayList<>();
        limits.fields().forEachRemaining(e -> parts.add(e.getKey() + " " + (e.getValue().asLong() < 0 ? "no ceiling"
                : e.getValue().asLong() + " CPU-seconds")));
        return pages.page(x, 200, "services", Map.of("view", new ServicesView(services, String.join(", ", parts))));
    }

    private Optional<Found> find(PortalHandler.Exchange x, RequestCaller caller, String rest) {
        ApiClient.Answer answer = api.get(caller, x.base(), "/api/v1/services");
        for (JsonNode s : answer.body().path("services")) {
            String servicePath = s.path("name").asText().replace('.', '/');
            for (JsonNode m : s.path("methods")) {
                if (rest.equals(servicePath + "/" + m.path("name").asText())) {
                    return Optional.of(new Found(s, m, rest));
                }
            }
        }
        return Optional.empty();
    }

    private PortalHandler.Page form(PortalHandler.Exchange x, RequestCaller caller, Found found) {
        Fields query = pages.query(x);
        Function<String, String> values = query::getValue;
        boolean previewed = query.get("preview") != null;
        Map<String, String> errors = new HashMap<>();
        CostView cost = previewed ? cost(x, caller, found, values, errors, true)
                : CostView.pending("The cost of the call is shown here once the required arguments are filled in.");
        return pages.page(x, 200, "method", Map.of("view", view(caller, found, values, errors, null, cost, null)));
    }

    private PortalHandler.Page costFragment(PortalHandler.Exchange x, RequestCaller caller, Found found) {
        Fields query = pages.query(x);
        return pages.fragment(200, "cost", Map.of("cost", cost(x, caller, found, query::getValue, new HashMap<>(),
                true)));
    }

    private PortalHandler.Page submit(PortalHandler.Exchange x, RequestCaller caller, Found found) {
        Map<String, String> form = pages.formValues(x);
        Function<String, String> values = form::get;
        if (!tokens.valid(form.get(FormTokens.FIELD), caller, x.path())) {
            return pages.forged(x);
        }
        Map<String, String> errors = new HashMap<>();
        CostView cost = cost(x, caller, found, values, errors, false);
        if (!errors.isEmpty()) {
            return pages.page(x, 400, "method", Map.of("view", view(caller, found, values, errors,
                    "Some arguments do not fit: see the fields marked below.", cost, null)));
        }
        ObjectNode body = StrictJson.mapper().createObjectNode();
        body.set("args", Forms.args(found.method().path("arguments"), values));
        ApiClient.Answer answer = api.call(caller, x.base(), "POST", "/api/v1/services/" + found.path(),
                Optional.of(body.toString().getBytes(StandardCharsets.UTF_8)));
        if (answer.status() == 201) {
            return PortalHandler.Page.seeOther("/portal/sessions/" + answer.body().path("session").asText());
        }
        if (answer.ok()) {
            String result;
            try {
                result = StrictJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(
                        answer.body().path("result"));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                result = answer.body().path("result").toString();
            }
            return pages.page(x, 200, "method", Map.of("view", view(caller, found, values, errors, null, cost, result)));
        }
        fieldErrors(answer, errors);
        return pages.page(x, answer.status(), "method", Map.of("view", view(caller, found, values, errors,
                answer.message(), cost, null)));
    }

    private MethodView view(RequestCaller caller, Found found, Function<String, String> values,
                            Map<String, String> errors, String problem, CostView cost, String result) {
        String action = SERVICES + "/" + found.path();
        return new MethodView(found.name(), found.methodName(), found.method().path("kind").asText(),
                found.method().path("description").asText(""), action, COST + found.path(),
                tokens.issue(caller, action), Forms.fields(found.method().path("arguments"), values, errors), problem,
                cost, result);
    }

    /** The cost preview for these values; the arguments that do not fit go into {@code errors}. */
    private CostView cost(PortalHandler.Exchange x, RequestCaller caller, Found found, Function<String, String> values,
                          Map<String, String> errors, boolean filesEmpty) {
        ObjectNode body = StrictJson.mapper().createObjectNode();
        body.set("args", Forms.args(found.method().path("arguments"), values, filesEmpty));
        ApiClient.Answer answer = api.call(caller, x.base(), "POST", "/api/v1/cost/" + found.path(),
                Optional.of(body.toString().getBytes(StandardCharsets.UTF_8)));
        if (answer.error().equals("invalid_argument")) {
            fieldErrors(answer, errors);
            List<String> names = new ArrayList<>(errors.keySet());
            java.util.Collections.sort(names);
            return CostView.pending("The cost is shown once every argument fits"
                    + (names.isEmpty() ? ": " + answer.message() : " (still to fix: " + String.join(", ", names) + ")."));
        }
        if (!answer.ok()) {
            return new CostView("problem", answer.message(), null);
        }
        JsonNode c = answer.body();
        String costs = "This call costs " + number(c.path("cost").asDouble()) + " CPU-seconds";
        String tier = c.path("tier").asText();
        long limit = c.path("cost_limit").asLong();
        String yours = tier.equals("anonymous") ? "anonymous calls" : "calls with a " + tier + " credential";
        if (!c.path("allowed").asBoolean()) {
            String required = c.path("required_tier").isNull() ? null : c.path("required_tier").asText();
            return new CostView("problem", costs + "; " + yours + " may cost at most " + limit + ".",
                    required == null ? "No credential on this server allows a call this large."
                            : "A " + required + " credential is needed for it.");
        }
        String allows = "; " + yours + (limit < 0 ? " have no ceiling." : " may cost up to " + limit + ".");
        if (!c.path("refusal").isNull()) {
            return new CostView("problem", costs + allows, "But the call would be refused: "
                    + c.path("refusal").path("message").asText());
        }
        return new CostView("ok", costs + allows, "Your credential is strong enough for it.");
    }

    private static void fieldErrors(ApiClient.Answer answer, Map<String, String> errors) {
        if (!answer.error().equals("invalid_argument")) {
            return;
        }
        if (answer.body().has("errors")) {
            for (JsonNode e : answer.body().path("errors")) {
                if (e.has("argument")) {
                    errors.putIfAbsent(e.path("argument").asText(), e.path("message").asText());
                }
            }
        } else if (answer.body().has("argument")) {
            errors.putIfAbsent(answer.body().path("argument").asText(), answer.message());
        }
    }

    static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
