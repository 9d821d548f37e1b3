package dev.salvor.diff;

import java.io.IOException;

/**
 * A live server refused the connection's credentials (NOAUTH, WRONGPASS, "invalid password"), or
 * wants a password none was given for. The message names the server, never the password.
 */
public final class AuthenticationException extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean passwordMissing;

    public AuthenticationException(String message, boolean passwordMissing) {
        super(message);
        this.passwordMissing = passwordMissing;
    }

    /** True when the server wants a password and none was given (NOAUTH). */
    public boolean passwordMissing() {
        return passwordMissing;
    }

    /**
     * The authentication failure among {@code e} and its causes, as one line for server {@code name};
     * null when the failure is of another kind.
     */
    public static AuthenticationException of(String name, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null) continue;
            if (m.startsWith("NOAUTH") || m.startsWith("-NOAUTH")) {
                return new AuthenticationException(name + ": authentication required: the server wants a password and none was given", true);
            }
            if (m.contains("WRONGPASS") || m.contains("invalid password") || m.contains("invalid username-password")) {
                return new AuthenticationException(name + ": authentication failed: the server refused the user name or password (" + code(m) + ")", false);
            }
            if (m.contains("without any password configured") || m.contains("but no password is set")) {
                return new AuthenticationException(name + ": authentication failed: a password was given, but the server has none set", false);
            }
        }
        return null;
    }

    private static String code(String m) {
        String s = m.startsWith("-") ? m.substring(1) : m;
        int sp = s.indexOf(' ');
        return sp > 0 ? s.substring(0, sp) : s;
    }
}
