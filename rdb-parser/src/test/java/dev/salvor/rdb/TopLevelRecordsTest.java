package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The records between keys, a key's prefixes up to its name, and the trailer. */
class TopLevelRecordsTest {
    private static TopLevelRecords records(byte[] b) {
        Parts p = new Parts(b);
        return new TopLevelRecords(p.in, p.strings);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void headers() throws Exception {
        TopLevelRecords redis = records(ascii("REDIS0011"));
        redis.readHeader();
        assertThat(redis.version).isEqualTo(11);
        assertThat(redis.flavor).isEqualTo(RdbFlavor.REDIS);
        TopLevelRecords valkey = records(ascii("VALKEY080"));
        valkey.readHeader();
        assertThat(valkey.version).isEqualTo(80);
        assertThat(valkey.flavor).isEqualTo(RdbFlavor.VALKEY);
        // A REDIS magic with a version no server writes is refused with its version named (it was
        // once read as a Valkey file); --assume-version reads it as a chosen version.
        RdbFormatException odd = catchThrowableOfType(() -> records(ascii("REDIS0099")).readHeader(), RdbFormatException.class);
        assertThat(odd.reason()).isEqualTo(RdbFormatException.Reason.UNSUPPORTED);
        assertThat(odd.getMessage()).contains("RDB version 99 (REDIS0099)").contains("--assume-version");
        for (String bad : new String[] {"REDIS00x1", "RESP00011", "REDIS0000", "REDIS"}) {
            RdbFormatException e = catchThrowableOfType(() -> records(ascii(bad)).readHeader(), RdbFormatException.class);
            assertThat(e.reason()).as(bad).isEqualTo(RdbFormatException.Reason.BAD_HEADER);
        }
    }

    @Test
    void recordsAndAKeysPrefixes() throws Exception {
        RdbFlavorTest.Rdb r = new RdbFlavorTest.Rdb("");
        r.u8(RdbOpcode.AUX).str("redis-ver").str("7.0.0");
        r.u8(RdbOpcode.RESIZEDB).len(10).len(2);
        r.u8(RdbOpcode.FUNCTION2).str("#!lua name=lib\nreturn 1");
        r.u8(RdbOpcode.SLOT_INFO).len(7).len(3).len(1);
        r.u8(RdbOpcode.EXPIRETIME_MS).le64(1893456000000L).u8(RdbOpcode.IDLE).len(30).u8(RdbOpcode.FREQ).u8(5).u8(0).str("key");
        byte[] all = r.out.toByteArray();
        Parts p = new Parts(all);
        TopLevelRecords t = new TopLevelRecords(p.in, p.strings);
        assertThat(t.read()).isEqualTo(RdbToken.SELECT_DB);
        assertThat(t.read()).isEqualTo(RdbToken.AUX);
        assertThat(t.auxKey.toString() + "=" + t.auxValue).isEqualTo("redis-ver=7.0.0");
        assertThat(t.read()).isEqualTo(RdbToken.RESIZE_DB);
        assertThat(t.resizeDbSize).isEqualTo(10);
        assertThat(t.read()).isEqualTo(RdbToken.FUNCTION);
        assertThat(t.functionCode.toString()).startsWith("#!lua");
        assertThat(t.read()).isEqualTo(RdbToken.SLOT_INFO);
        assertThat(t.slotId).isEqualTo(7);
        assertThat(t.read()).isEqualTo(RdbToken.KEY);
        assertThat(new String(t.key, StandardCharsets.US_ASCII)).isEqualTo("key");
        assertThat(t.expireAtMs).isEqualTo(1893456000000L);
        assertThat(t.lruIdle).isEqualTo(30);
        assertThat(t.lfuFreq).isEqualTo(5);
        assertThat(t.typeByte).isZero();
        // The record starts at its first prefix: expiry (9 bytes), idle (2), freq (2), type (1), name (4).
        assertThat(p.in.recordOffset).isEqualTo(all.length - 18);
        assertThat(p.in.tokenOffset).isEqualTo(all.length - 18);
    }

    @Test
    void anOpcodeAfterAKeysPrefixesIsRefused() {
        RdbFlavorTest.Rdb r = new RdbFlavorTest.Rdb("");
        r.u8(RdbOpcode.EXPIRETIME_MS).le64(1).u8(RdbOpcode.SELECTDB).len(1);
        TopLevelRecords t = records(r.out.toByteArray());
        RdbFormatException e = catchThrowableOfType(() -> {
            t.read();
            t.read();
        }, RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.BAD_ENCODING);
        assertThat(e.offset()).isEqualTo(11);
    }

    /** KeyDB's layout: an AUX record between a key's expiry and its type; the expiry is the key's. */
    @Test
    void anAuxRecordAmongAKeysPrefixesKeepsThemForTheKey() throws Exception {
        RdbFlavorTest.Rdb r = new RdbFlavorTest.Rdb("");
        r.u8(RdbOpcode.EXPIRETIME_MS).le64(1893456000000L).u8(RdbOpcode.AUX).str("mvcc-tstamp").str("12345").u8(0).str("key");
        byte[] all = r.out.toByteArray();
        Parts p = new Parts(all);
        TopLevelRecords t = new TopLevelRecords(p.in, p.strings);
        assertThat(t.read()).isEqualTo(RdbToken.SELECT_DB);
        assertThat(t.read()).isEqualTo(RdbToken.AUX);
        assertThat(t.auxKey.toString()).isEqualTo("mvcc-tstamp");
        assertThat(p.in.tokenOffset).isEqualTo(2 + 9);
        assertThat(p.in.recordOffset).as("the AUX sits inside the key's record").isEqualTo(2);
        assertThat(t.read()).isEqualTo(RdbToken.KEY);
        assertThat(new String(t.key, StandardCharsets.US_ASCII)).isEqualTo("key");
        assertThat(t.expireAtMs).isEqualTo(1893456000000L);
        assertThat(p.in.recordOffset).isEqualTo(2);
        assertThat(p.in.tokenOffset).isEqualTo(2);
    }

    @Test
    void theTrailerSaysWhetherTheChecksumHolds() throws Exception {
        byte[] good = new RdbFlavorTest.Rdb("REDIS0011").finish(true);
        byte[] bad = new RdbFlavorTest.Rdb("REDIS0011").finish(false);
        for (byte[] file : new byte[][] {good, bad}) {
            TopLevelRecords t = records(file);
            t.readHeader();
            assertThat(t.read()).isEqualTo(RdbToken.SELECT_DB);
            assertThat(t.read()).isEqualTo(RdbToken.EOF);
            assertThat(t.eofOffset).isEqualTo(11);
            assertThat(t.checksumStatus).isEqualTo(file == good ? ChecksumStatus.OK : ChecksumStatus.MISMATCH);
        }
    }
}
