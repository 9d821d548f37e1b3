package dev.salvor.cli;

/**
 * The jar's entry point. A bare {@code --version} is answered here, before any picocli class is
 * loaded: building picocli's model of even the root command (reflection over its annotations) and
 * verifying the command classes cost more than the rest of such a run. Everything else goes to
 * {@link SalvorCommand}.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            for (String line : versionLines()) System.out.println(line);
            System.exit(0);
        }
        SalvorCommand.main(args);
    }

    /** What {@code --version} prints, also when picocli answers it beside other options. */
    static String[] versionLines() {
        return new String[] {"salvor " + version(), "Java " + System.getProperty("java.version")};
    }

    /** Salvor's version (from the jar manifest), or "(development build)". */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build)";
    }
}
