package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert;

/** A typed, one-line, located refusal. */
final class IOExceptionAssert {
    private IOExceptionAssert() {
    }

    static void refused(ThrowableAssert.ThrowingCallable call, String... mentions) {
        var a = assertThatThrownBy(call).isInstanceOf(java.io.IOException.class);
        for (String m : mentions) a.hasMessageContaining(m);
        a.satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage().lines().count()).isEqualTo(1));
    }
}
