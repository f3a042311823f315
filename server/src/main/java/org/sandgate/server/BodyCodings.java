package org.sandgate.server;

import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.sandgate.server.api.ErrorMapper;
import org.sandgate.server.errors.ErrorCode;
import org.sandgate.server.errors.Refusal;

/**
 * Refuses request bodies in a coding the server does not decode, before anything reads them:
 * a transfer coding other than {@code chunked} is {@code 501 not_implemented} (RFC 9112, 6.1: a body
 * read as plain chunked although it was, say, gzip-then-chunked is what request smuggling behind a
 * front proxy relies on), a content coding other than {@code identity} is {@code 415} (RFC 7694).
 */
final class BodyCodings extends Handler.Wrapper {
    BodyCodings(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        for (String coding : request.getHeaders().getCSV(HttpHeader.TRANSFER_ENCODING, false)) {
            if (!coding.toLowerCase(Locale.ROOT).equals("chunked")) {
                ErrorMapper.write(response, callback, new Refusal(ErrorCode.NOT_IMPLEMENTED,
                        "the transfer coding '" + coding + "' is not understood here; send the body as it is, or chunked"));
                return true;
            }
        }
        for (String coding : request.getHeaders().getCSV(HttpHeader.CONTENT_ENCODING, false)) {
            if (!coding.toLowerCase(Locale.ROOT).equals("identity")) {
                ErrorMapper.write(response, callback, new Refusal(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "the content coding '" + coding + "' is not understood here; send the body uncompressed"));
                return true;
            }
        }
        return super.handle(request, response, callback);
    }
}
