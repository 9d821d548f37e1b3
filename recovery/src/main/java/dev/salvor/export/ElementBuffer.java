package dev.salvor.export;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** The elements of one set, zset or hash, kept so they can be written in canonical order. */
final class ElementBuffer {
    record Element(byte[] first, byte[] second, double score, long expireAtMs) {
    }

    static final Comparator<Element> BY_FIRST = (x, y) -> Arrays.compareUnsigned(x.first, y.first);
    static final Comparator<Element> BY_SCORE_THEN_MEMBER = (x, y) -> {
        int c = Double.compare(x.score, y.score);
        return c != 0 ? c : Arrays.compareUnsigned(x.first, y.first);
    };

    private final List<Element> elements = new ArrayList<>();
    private long bytes;

    void add(byte[] first, byte[] second, double score, long expireAtMs) {
        elements.add(new Element(first, second, score, expireAtMs));
        bytes += first.length + (second == null ? 0 : second.length) + 48;
    }

    long bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return elements.isEmpty();
    }

    List<Element> sorted(Comparator<Element> order) {
        elements.sort(order);
        return elements;
    }

    List<Element> inOrder() {
        return elements;
    }

    void clear() {
        elements.clear();
        bytes = 0;
    }
}
