package dev.salvor.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fused UTF-8 check agrees with the JDK's strict decoder and with a plain escape scan. */
class Utf8Test {
    /** What classify must say: the JDK decoder (strict) for validity, a byte loop for escapes. */
    private static int reference(byte[] b, int off, int len) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, len));
        } catch (CharacterCodingException e) {
            return Utf8.INVALID;
        }
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 || c == '"' || c == '\\') return Utf8.NEEDS_ESCAPE;
        }
        return Utf8.PLAIN;
    }

    private static void check(byte[] b) {
        for (int off = 0; off <= Math.min(3, b.length); off++) {
            int len = b.length - off;
            assertThat(Utf8.classify(b, off, len)).as("%s from %d", java.util.HexFormat.of().formatHex(b), off).isEqualTo(reference(b, off, len));
        }
    }

    @Test
    void edgeCases() {
        String[] hex = {
            "", "41", "22", "5c", "1f", "7f", "c280", "c1bf", "c0af", "e0a080", "e09f80", "eda080", "ed9fbf",
            "f0908080", "f08f8080", "f48fbfbf", "f4908080", "f5808080", "ff", "80", "c2", "e0a0", "f09080",
            // Escapes before and after an 8-byte boundary, then invalid or valid bytes past it.
            "41414141414141412241414141414141ff", "4141414141414141224141414141414141c3a9",
            "2241414141414141414141414141414141414141c0", "41414141414141414141414141414141415c",
        };
        for (String h : hex) check(java.util.HexFormat.of().parseHex(h));
    }

    @Test
    void randomTextAndBytes() {
        Random rnd = new Random(20261123);
        String[] pieces = {"a", "Z", " ", "\"", "\\", "\n", "é", "€", "𝄞", "日本", "{\"k\":1}"};
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            int parts = rnd.nextInt(40);
            for (int p = 0; p < parts; p++) sb.append(pieces[rnd.nextInt(pieces.length)]);
            byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
            if (b.length > 0 && rnd.nextInt(4) == 0) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            check(b);
        }
    }
}
