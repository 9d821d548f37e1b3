package dev.salvor.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The memory reports' sizes: the text report keeps one decimal, the page drops it from 100 of a unit up. */
class ByteSizesTest {
    @Test
    void sizesReadInBinaryUnits() {
        assertThat(ByteSizes.human(0)).isEqualTo("0 B");
        assertThat(ByteSizes.human(1023)).isEqualTo("1023 B");
        assertThat(ByteSizes.human(1536)).isEqualTo("1.5 KiB");
        assertThat(ByteSizes.human(150L << 20)).isEqualTo("150.0 MiB");
        assertThat(ByteSizes.compact(150L << 20)).isEqualTo("150 MiB");
        assertThat(ByteSizes.compact(99L << 30)).isEqualTo("99.0 GiB");
        assertThat(ByteSizes.human(3000L << 40)).isEqualTo("3000.0 TiB");
    }
}
