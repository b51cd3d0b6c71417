package io.multistack.stack.link;

import io.multistack.api.flow.Device;
import io.netty.buffer.ByteBuf;

/** A device that hands what the stack transmits to the test's frames. */
final class RecordingDevice implements Device {
    private final TestFrames frames;

    RecordingDevice(TestFrames frames) {
        this.frames = frames;
    }

    @Override
    public String link() {
        return "memory";
    }

    @Override
    public int vlan() {
        return 600;
    }

    @Override
    public int mtu() {
        return 1500;
    }

    @Override
    public void transmit(ByteBuf frame) {
        frames.receive(frame);
    }

    @Override
    public void close() {}
}
