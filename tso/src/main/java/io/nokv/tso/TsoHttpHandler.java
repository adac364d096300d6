package io.nokv.tso;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** {@code GET /tso[?batch=N]}, {@code GET /healthz}; everything else is a clear 4xx. Stateless: shared by all channels. */
@ChannelHandler.Sharable
final class TsoHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] OK = "ok\n".getBytes(StandardCharsets.US_ASCII);

    private final TimestampOracle oracle;

    TsoHttpHandler(TimestampOracle oracle) {
        this.oracle = oracle;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongFrameException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
            send(ctx, false, error(status, "malformed HTTP request: " + cause.getMessage()));
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (!path.equals("/tso") && !path.equals("/healthz")) {
            send(ctx, keepAlive, error(HttpResponseStatus.NOT_FOUND, "no such path " + path + " (try /tso or /healthz)"));
            return;
        }
        if (!HttpMethod.GET.equals(request.method())) {
            send(ctx, keepAlive, error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET, not " + request.method()));
            return;
        }
        if (path.equals("/healthz")) {
            send(ctx, keepAlive, response(HttpResponseStatus.OK, "text/plain; charset=utf-8", OK));
            return;
        }
        int batch;
        try {
            batch = parseBatch(uri.parameters());
        } catch (IllegalArgumentException e) {
            send(ctx, keepAlive, error(HttpResponseStatus.BAD_REQUEST, e.getMessage()));
            return;
        }
        long first;
        try {
            first = oracle.allocate(batch);
        } catch (RuntimeException e) {
            // The limit could not be persisted: refuse rather than hand out an unsafe timestamp.
            send(ctx, keepAlive, error(HttpResponseStatus.SERVICE_UNAVAILABLE, e.getMessage()));
            return;
        }
        send(ctx, keepAlive, json(HttpResponseStatus.OK, Map.of("timestamp", first, "count", batch)));
    }

    static int parseBatch(Map<String, List<String>> params) {
        List<String> values = params.get("batch");
        if (values == null || values.isEmpty()) {
            return 1;
        }
        String raw = values.get(values.size() - 1);
        long n;
        try {
            n = Long.parseLong(raw.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("batch must be an integer between 1 and " + TimestampOracle.MAX_BATCH + ", got '" + raw + "'");
        }
        if (n < 1 || n > TimestampOracle.MAX_BATCH) {
            throw new IllegalArgumentException("batch must be between 1 and " + TimestampOracle.MAX_BATCH + ", got " + n);
        }
        return (int) n;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A broken or hostile connection only affects itself.
        ctx.close();
    }

    private static FullHttpResponse error(HttpResponseStatus status, String message) {
        return json(status, Map.of("error", message));
    }

    private static FullHttpResponse json(HttpResponseStatus status, Map<String, ?> body) {
        try {
            return response(status, "application/json", JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
