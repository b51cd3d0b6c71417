package io.multistack.diag;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * RFC 864 over TCP: an endless stream of 72-character lines, each the 95 printable ASCII
 * characters rotated by one, sent while the connection is writable (so a slow reader
 * throttles it instead of filling memory); input is discarded.
 */
final class Chargen extends ChannelInboundHandlerAdapter {
    static final int LINE_LENGTH = 72;
    private static final int PRINTABLE = 95;
    private static final int LINES_PER_WRITE = 64;
    private static final int LINE_BYTES = LINE_LENGTH + 2;
    /** All 95 lines of one cycle, back to back: generating copies from it, never builds lines. */
    private static final byte[] CYCLE = cycle();

    private int nextLine;

    /** Line {@code n} of the pattern, with CRLF. */
    static byte[] line(int n) {
        byte[] line = new byte[LINE_LENGTH + 2];
        for (int i = 0; i < LINE_LENGTH; i++) {
            line[i] = (byte) (' ' + (n + i) % PRINTABLE);
        }
        line[LINE_LENGTH] = '\r';
        line[LINE_LENGTH + 1] = '\n';
        return line;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        generate(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        generate(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ReferenceCountUtil.release(message);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void generate(ChannelHandlerContext ctx) {
        while (ctx.channel().isActive() && ctx.channel().isWritable()) {
            ByteBuf chunk = ctx.alloc().buffer(LINE_BYTES * LINES_PER_WRITE);
            nextLine = writeLines(chunk, nextLine, LINES_PER_WRITE);
            ctx.writeAndFlush(chunk);
        }
    }

    /** Writes {@code lines} lines of the pattern starting at line {@code first}; returns the next line. */
    static int writeLines(ByteBuf out, int first, int lines) {
        int next = first % PRINTABLE;
        while (lines > 0) {
            int run = Math.min(lines, PRINTABLE - next);
            out.writeBytes(CYCLE, next * LINE_BYTES, run * LINE_BYTES);
            next = (next + run) % PRINTABLE;
            lines -= run;
        }
        return next;
    }

    private static byte[] cycle() {
        byte[] cycle = new byte[PRINTABLE * LINE_BYTES];
        for (int n = 0; n < PRINTABLE; n++) {
            System.arraycopy(line(n), 0, cycle, n * LINE_BYTES, LINE_BYTES);
        }
        return cycle;
    }

    static String text(int firstLine, int lines) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            out.append(new String(line((firstLine + i) % PRINTABLE), StandardCharsets.US_ASCII));
        }
        return out.toString();
    }
}
