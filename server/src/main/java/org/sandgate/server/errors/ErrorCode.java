package org.sandgate.server.errors;

import java.util.Optional;

/**
 * Every {@code error} code the API answers, with the HTTP status it is answered with. README's table
 * of error codes lists exactly these ({@code ErrorCodeTest} holds the two together).
 */
public enum ErrorCode {
    BAD_REQUEST("bad_request", 400),
    INVALID_ARGUMENT("invalid_argument", 400),
    INVALID_JSON("invalid_json", 400),
    UNAUTHENTICATED("unauthenticated", 401),
    INVALID_CERTIFICATE("invalid_certificate", 401),
    CERTIFICATE_REQUIRED("certificate_required", 401),
    INVALID_TOKEN("invalid_token", 401),
    FORBIDDEN("forbidden", 403),
    NOT_AUTHORIZED("not_authorized", 403),
    LIMITED_PROXY("limited_proxy", 403),
    AMBIGUOUS_SUBJECT("ambiguous_subject", 403),
    CROSS_SITE_REQUEST("cross_site_request", 403),
    INSUFFICIENT_CREDENTIAL("insufficient_credential", 403),
    NOT_FOUND("not_found", 404),
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    NOT_ACCEPTABLE("not_acceptable", 406),
    REQUEST_TIMEOUT("request_timeout", 408),
    REQUEST_TOO_LARGE("request_too_large", 413),
    URI_TOO_LONG("uri_too_long", 414),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
    EXPECTATION_FAILED("expectation_failed", 417),
    DEPLOY_FAILED("deploy_failed", 422),
    INVALID_CONFIGURATION("invalid_configuration", 422),
    TOO_MANY_SESSIONS("too_many_sessions", 429),
    TOO_MANY_STREAMS("too_many_streams", 429),
    TOO_MANY_ARCHIVES("too_many_archives", 429),
    HEADERS_TOO_LARGE("headers_too_large", 431),
    INTERNAL_ERROR("internal_error", 500),
    SERVICE_ERROR("service_error", 500),
    NOT_IMPLEMENTED("not_implemented", 501),
    UNAVAILABLE("unavailable", 503),
    BACKEND_UNAVAILABLE("backend_unavailable", 503),
    BUSY("busy", 503),
    DRAINING("draining", 503),
    SERVICE_TIMEOUT("service_timeout", 504),
    HTTP_VERSION_NOT_SUPPORTED("http_version_not_supported", 505);

    private final String code;
    private final int status;

    ErrorCode(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The {@code error} field of the JSON body. */
    public String code() {
        return code;
    }

    /** The HTTP status it is answered with. */
    public int status() {
        return status;
    }

    /**
     * The code of a bare HTTP status that Jetty or Jersey answered without saying more (a 404 of an
     * unknown route, a 414 of a too long URI ...), if it has one of its own.
     */
    public static Optional<ErrorCode> ofStatus(int status) {
        return Optional.ofNullable(switch (status) {
            case 400 -> BAD_REQUEST;
            case 401 -> UNAUTHENTICATED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 408 -> REQUEST_TIMEOUT;
            case 413 -> REQUEST_TOO_LARGE;
            case 414 -> URI_TOO_LONG;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 417 -> EXPECTATION_FAILED;
            case 431 -> HEADERS_TOO_LARGE;
            case 500 -> INTERNAL_ERROR;
            case 501 -> NOT_IMPLEMENTED;
            case 503 -> UNAVAILABLE;
            case 505 -> HTTP_VERSION_NOT_SUPPORTED;
            default -> null;
        });
    }
}
