package io.microservicestack.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;

/**
 * The longest frame a bridge client may send ({@code BRIDGE_MAX_FRAME_BYTES}), checked on the socket's bytes before
 * the bridge sees them. vertx-tcp-eventbus-bridge 5.0.7 has no limit of its own: it buffers whatever length a frame's
 * 4-byte prefix announces, up to 2 GiB per connection. This handler reads the prefixes as they pass (it copies
 * nothing, the bytes go on unchanged) and, at the first one over the limit (or negative), answers an error frame
 * {@code {"type": "err", "message": "frame_too_large", "maxFrameBytes": n}} and closes the connection: the frame's
 * bytes that follow could not be told apart from the next frame's.
 */
final class BridgeFrameLimit extends ChannelInboundHandlerAdapter {

  /** The code of the error frame a client gets for a frame over the limit. */
  static final String TOO_LARGE = "frame_too_large";
  private static final int PREFIX_BYTES = 4;

  private final int maxFrameBytes;
  /** Bytes of the current length prefix read so far (0 while a payload is passing). */
  private int prefixBytes;
  private int length;
  /** Bytes of the current frame's payload still to pass. */
  private long payloadLeft;
  private boolean refused;

  private BridgeFrameLimit(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Puts the limit in front of {@code socket}'s reader; call before anything reads from it. */
  static void install(NetSocket socket, int maxFrameBytes) {
    ChannelHandlerContext reader = ((NetSocketInternal) socket).channelHandlerContext();
    reader.pipeline().addBefore(reader.name(), "bridge-frame-limit", new BridgeFrameLimit(maxFrameBytes));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof ByteBuf bytes && !withinLimit(bytes)) {
      ReferenceCountUtil.release(msg);
      refuse(ctx);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  /** Follows the frames through {@code bytes}; false at a length prefix over the limit. */
  private boolean withinLimit(ByteBuf bytes) {
    int index = bytes.readerIndex();
    int end = bytes.writerIndex();
    while (index < end) {
      if (payloadLeft > 0) {
        int passing = (int) Math.min(payloadLeft, end - index);
        payloadLeft -= passing;
        index += passing;
        continue;
      }
      length = (length << 8) | bytes.getUnsignedByte(index++);
      if (++prefixBytes == PREFIX_BYTES) {
        if (length < 0 || length > maxFrameBytes) {
          return false;
        }
        payloadLeft = length;
        prefixBytes = 0;
        length = 0;
      }
    }
    return true;
  }

  private void refuse(ChannelHandlerContext ctx) {
    refused = true;
    byte[] json = new JsonObject().put("type", "err").put("message", TOO_LARGE).put("maxFrameBytes", maxFrameBytes)
      .encode().getBytes(StandardCharsets.UTF_8);
    ByteBuf frame = Unpooled.buffer(PREFIX_BYTES + json.length).writeInt(json.length).writeBytes(json);
    ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
  }
}
