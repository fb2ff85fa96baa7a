package io.microservicestack.gateway;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;

/**
 * A request whose body was already read whole (and validated), handed to vertx-http-proxy: the proxy pauses and
 * reads its stream, which an HTTP/2 request refuses once ended ("Request has already been read"). Here the stream
 * calls do nothing; the proxy sends the buffer it is given instead ({@code ProxyRequest.setBody}).
 */
final class ReadRequest extends HttpServerRequestWrapper {

  ReadRequest(HttpServerRequest delegate) {
    super((HttpServerRequestInternal) delegate);
  }

  @Override
  public HttpServerRequest pause() {
    return this;
  }

  @Override
  public HttpServerRequest resume() {
    return this;
  }

  @Override
  public HttpServerRequest fetch(long amount) {
    return this;
  }

  @Override
  public HttpServerRequest handler(Handler<Buffer> handler) {
    return this;
  }

  @Override
  public HttpServerRequest endHandler(Handler<Void> handler) {
    return this;
  }
}
