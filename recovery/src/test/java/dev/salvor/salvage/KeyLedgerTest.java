package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Keys of different databases are different keys, whatever their bytes. */
class KeyLedgerTest {
    @Test
    void theDatabaseIsNotMixedIntoTheFirstKeyByte() {
        KeyLedger ledger = new KeyLedger();
        assertThat(ledger.add(KeyLedger.KeyId.of(0, "a".getBytes(StandardCharsets.US_ASCII)))).isTrue();
        // 3 ^ 'b' == 'a': hashed alike when the database was XORed into the first byte's place.
        assertThat(ledger.add(KeyLedger.KeyId.of(3, "b".getBytes(StandardCharsets.US_ASCII)))).isTrue();
        assertThat(ledger.add(KeyLedger.KeyId.of(1, "user:1".getBytes(StandardCharsets.US_ASCII)))).isTrue();
        assertThat(ledger.add(KeyLedger.KeyId.of(0, "tser:1".getBytes(StandardCharsets.US_ASCII)))).isTrue();
        assertThat(ledger.add(KeyLedger.KeyId.of(0, "a".getBytes(StandardCharsets.US_ASCII)))).isFalse();
    }
}
