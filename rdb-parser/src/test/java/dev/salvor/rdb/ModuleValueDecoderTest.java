package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** Module values: the module's id and name, then opcodes framed to their EOF. */
class ModuleValueDecoderTest {
    private static final DecoderHarness.Factory MODULE = p -> new ModuleValueDecoder(p.in, p.strings, p.v);

    /** "ReJSON-RL" encoded as a module id with encoding version 3. */
    private static long id(String name, int version) {
        String charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        long id = 0;
        for (int i = 0; i < 9; i++) id = id << 6 | charset.indexOf(name.charAt(i));
        return id << 10 | version;
    }

    @Test
    void framedByItsOpcodes() throws Exception {
        RdbFlavorTest.Rdb r = new RdbFlavorTest.Rdb("");
        r.len(id("ReJSON-RL", 3)).len(5).str("{\"a\":1}").len(2).len(7).len(4).le64(0).len(0);
        byte[] all = r.out.toByteArray();
        byte[] value = java.util.Arrays.copyOfRange(all, 2, all.length);
        DecoderHarness.Result res = DecoderHarness.run(MODULE, RdbEncoding.MODULE_2, value);
        assertThat(res.elements()).containsExactly("MODULE_VALUE");
        assertThat(res.decodedEnd()).isEqualTo(value.length).isEqualTo(res.skimmedEnd());
        Parts p = new Parts(value);
        ModuleValueDecoder d = new ModuleValueDecoder(p.in, p.strings, p.v);
        d.begin(RdbEncoding.MODULE_2, 0);
        assertThat(d.moduleName).isEqualTo("ReJSON-RL");
        assertThat(d.moduleId & 1023).isEqualTo(3);
        assertThat(d.next()).isTrue();
        assertThat(d.valueEnd).isEqualTo(value.length);
    }

    @Test
    void unknownOpcodesAndReleaseCandidateModulesAreRefused() {
        byte[] bad = Parts.concat(new byte[] {0x20, 9});
        RdbFormatException e = catchThrowableOfType(() -> DecoderHarness.run(MODULE, RdbEncoding.MODULE_2, bad), RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.BAD_ENCODING);
        assertThat(e.detail()).contains("unknown module opcode 9");
        RdbFormatException rc = catchThrowableOfType(() -> DecoderHarness.run(MODULE, RdbEncoding.MODULE_PRE_GA, bad), RdbFormatException.class);
        assertThat(rc.reason()).isEqualTo(RdbFormatException.Reason.UNSUPPORTED);
    }
}
