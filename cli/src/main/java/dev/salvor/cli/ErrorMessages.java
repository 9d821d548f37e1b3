package dev.salvor.cli;

import dev.salvor.diff.AuthenticationException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * One line that says what went wrong. The JDK's file-system exceptions carry only a path as their
 * message ({@code NoSuchFileException: /tmp/x.rdb}); here the path gets its reason.
 */
final class ErrorMessages {
    private ErrorMessages() {
    }

    static String describe(IOException e) {
        if (e instanceof AuthenticationException a) {
            return a.getMessage() + (a.passwordMissing()
                    ? " (give it in the URL as redis://:PASSWORD@host:port, with --password-file FILE or in $REDISCLI_AUTH)"
                    : "");
        }
        if (!(e instanceof FileSystemException f) || f.getFile() == null) return e.getMessage();
        String file = f.getFile();
        String other = f.getOtherFile() != null ? " -> " + f.getOtherFile() : "";
        Path fileInPath = regularFileAmongParents(file);
        if (fileInPath != null) return file + ": cannot be created or read: " + fileInPath + " is a file, not a directory";
        String reason;
        if (e instanceof NoSuchFileException) reason = "no such file or directory";
        else if (e instanceof AccessDeniedException) reason = "permission denied";
        else if (e instanceof NotDirectoryException) reason = "not a directory";
        else if (e instanceof FileAlreadyExistsException) reason = "already exists";
        else if (e instanceof DirectoryNotEmptyException) reason = "directory not empty";
        else reason = f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
        return file + other + ": " + reason;
    }

    /** The nearest parent of {@code file} that exists as a regular file (so nothing below it can), if any. */
    private static Path regularFileAmongParents(String file) {
        try {
            for (Path p = Path.of(file).toAbsolutePath().getParent(); p != null; p = p.getParent()) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(p)) return p;
                if (Files.isDirectory(p)) return null;
            }
        } catch (RuntimeException ignored) {
            // an odd path: the generic reason says enough
        }
        return null;
    }
}
