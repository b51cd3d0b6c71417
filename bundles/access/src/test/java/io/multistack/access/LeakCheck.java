package io.multistack.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Netty's leak detector at PARANOID for a test class, with its reports collected instead of
 * only logged: after each test, garbage is collected and the detector polled, and any
 * report fails the test. GC-based, so it can miss a leak; the tests also check the
 * reference count of every buffer they make, which cannot.
 */
final class LeakCheck implements BeforeAllCallback, AfterEachCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
        field.setAccessible(true);
        ((ResourceLeakDetector<?>) field.get(null)).setLeakListener((type, records) -> LEAKS.add(type + records));
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            // the detector looks for collected-but-unreleased buffers when a buffer is tracked
            PooledByteBufAllocator.DEFAULT.directBuffer(8).release();
        }
        List<String> found = List.copyOf(LEAKS);
        LEAKS.clear();
        assertThat(found).as("leaks reported by Netty's detector").isEmpty();
    }

    /** A tracked direct buffer from the pooled allocator, holding {@code value}. */
    static ByteBuf tracked(int value) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(64).writeInt(value);
    }
}
