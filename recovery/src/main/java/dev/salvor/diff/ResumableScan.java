package dev.salvor.diff;

import dev.salvor.export.KeySelector;

import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A source whose scan can stop and go on later from where it stood: a live server read by SCAN,
 * whose cursors stay valid for as long as the server runs. A scan position is one cursor per
 * database (or cluster master): {@code db3 -> 1843}, {@link #DONE} once that cursor came back to 0.
 */
public interface ResumableScan {
    /** The cursor of a database or master whose SCAN has finished. */
    String DONE = "done";

    /**
     * Facts that tell this source from another (address, the server's run_id, a cluster's masters),
     * in a fixed order; never a password. A scan position is only meaningful to the same source.
     */
    Map<String, String> identity() throws IOException;

    /** Receives a scan's records and, after the records of each SCAN page, where that scan stands. */
    interface Pages {
        void record(KeyRecord r);

        /**
         * The records of a page of {@code position} (db3, or a master's node id) were all handed
         * over; its next cursor is {@code cursor} ({@link #DONE} at the end).
         */
        void pageDone(String position, String cursor);
    }

    /**
     * Scans on from {@code from} (position -> cursor; a position not named starts at 0, one at
     * {@link #DONE} is skipped). Positions and their records arrive in one stream on the calling
     * thread: the records before a {@link Pages#pageDone} are all those of the pages up to it.
     */
    void scan(KeySelector selector, Map<String, String> from, Pages pages) throws IOException;
}
