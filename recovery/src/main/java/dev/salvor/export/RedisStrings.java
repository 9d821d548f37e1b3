package dev.salvor.export;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.rdb.StringRef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Writes Redis strings as the export format wants them: JSON text when valid UTF-8, else base64. */
public final class RedisStrings {
    private RedisStrings() {
    }

    public static void write(JsonGenerator g, StringRef s) throws IOException {
        // Integers are plain digits: nothing to validate or escape.
        if (s.isInteger() && byteGenerator(g)) {
            g.writeRawUTF8String(s.array(), s.offset(), s.length());
            return;
        }
        write(g, s.array(), s.offset(), s.length());
    }

    public static void write(JsonGenerator g, byte[] b) throws IOException {
        write(g, b, 0, b.length);
    }

    public static void write(JsonGenerator g, byte[] b, int off, int len) throws IOException {
        int kind = Utf8.classify(b, off, len);
        if (kind != Utf8.INVALID && !byteGenerator(g)) {
            // A character-based generator (text reports) takes the text, not the bytes.
            g.writeString(new String(b, off, len, StandardCharsets.UTF_8));
            return;
        }
        switch (kind) {
            case Utf8.PLAIN -> g.writeRawUTF8String(b, off, len);
            case Utf8.NEEDS_ESCAPE -> g.writeUTF8String(b, off, len);
            default -> {
                g.writeStartObject();
                g.writeFieldName("base64");
                // Base64 text never needs escaping: hand Jackson the bytes, not a String.
                java.nio.ByteBuffer enc = Base64.getEncoder().encode(java.nio.ByteBuffer.wrap(b, off, len));
                if (byteGenerator(g)) g.writeRawUTF8String(enc.array(), enc.arrayOffset(), enc.remaining());
                else g.writeString(new String(enc.array(), enc.arrayOffset(), enc.remaining(), StandardCharsets.US_ASCII));
                g.writeEndObject();
            }
        }
    }

    private static boolean byteGenerator(JsonGenerator g) {
        return g.getOutputTarget() instanceof java.io.OutputStream;
    }

    /** True when the bytes would be exported as a JSON string rather than base64. */
    public static boolean isText(byte[] b, int off, int len) {
        return Utf8.isValid(b, off, len);
    }

    public static void writeScore(JsonGenerator g, double score) throws IOException {
        writeScore(g, score, new char[JsonNumbers.SCORE_CHARS]);
    }

    /** As {@link #writeScore(JsonGenerator, double)}, with a buffer for the text ({@link JsonNumbers#SCORE_CHARS} long). */
    static void writeScore(JsonGenerator g, double score, char[] scratch) throws IOException {
        int n = JsonNumbers.score(score, scratch);
        if (n > 0) g.writeNumber(scratch, 0, n);
        else if (score == Double.POSITIVE_INFINITY) g.writeString("inf");
        else if (score == Double.NEGATIVE_INFINITY) g.writeString("-inf");
        else if (Double.isNaN(score)) g.writeString("nan");
        else g.writeNumber(score);
    }
}
