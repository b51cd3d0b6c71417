package io.multistack.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A packet leaves through the sender of the loop it is sent from; other threads use the first. */
class SiteSendersTest {
    @Test
    void eachLoopSendsThroughItsOwnSenderAndOtherThreadsThroughTheFirst() throws Exception {
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(3);
        try {
            List<EventLoop> loops = List.of(group.next(), group.next(), group.next());
            SiteSenders senders = new SiteSenders(loops, null);
            for (int i = 0; i < loops.size(); i++) {
                SiteSender expected = senders.get(i);
                assertThat(loops.get(i).submit(senders::local).get(5, TimeUnit.SECONDS)).as("on loop %d", i)
                        .isSameAs(expected);
            }
            assertThat(senders.local()).as("from a thread that is no loop").isSameAs(senders.get(0));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
