package dev.salvor.rdb;

import dev.salvor.format.ByteWindow;

/** The CRC64 of the bytes a {@link ByteWindow} consumes, folded in as they leave the window. */
final class RunningCrc implements ByteWindow.Tap {
    private long crc;

    @Override
    public void consumed(byte[] b, int off, int len) {
        crc = Crc64.update(crc, b, off, len);
    }

    void reset() {
        crc = 0;
    }

    long value() {
        return crc;
    }
}
