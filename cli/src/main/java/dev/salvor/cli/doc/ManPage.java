package dev.salvor.cli.doc;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One command's manual page in man(7) markup, from the command's picocli model: the same names,
 * synopsis, descriptions and exit codes that {@code --help} prints, so the two cannot drift.
 */
public final class ManPage {
    private ManPage() {
    }

    /** The page's file name: {@code salvor.1}, {@code salvor-inspect.1}. */
    public static String fileName(CommandSpec spec) {
        return pageName(spec) + ".1";
    }

    /** {@code salvor} or {@code salvor-inspect}. */
    public static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    /** The page in man(7) markup. */
    public static String render(CommandSpec spec, String version) {
        StringBuilder m = new StringBuilder();
        String name = pageName(spec);
        m.append(".TH ").append(quoted(name.toUpperCase(Locale.ROOT))).append(" 1 \"\" ")
                .append(quoted("salvor " + version)).append(" \"Salvor Manual\"\n");
        m.append(".SH NAME\n").append(escape(name)).append(" \\- ").append(escape(firstSentence(description(spec)))).append('\n');

        m.append(".SH SYNOPSIS\n.nf\n");
        String synopsis = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF)).synopsis(0);
        for (String line : synopsis.strip().split("\n")) m.append(lineStart(escape(line.stripTrailing()))).append('\n');
        m.append(".fi\n");

        m.append(".SH DESCRIPTION\n");
        paragraphs(m, description(spec));

        List<PositionalParamSpec> params = new ArrayList<>();
        for (PositionalParamSpec p : spec.positionalParameters()) if (!p.hidden()) params.add(p);
        if (!params.isEmpty()) {
            m.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : params) {
                m.append(".TP\n\\fI").append(escape(p.paramLabel())).append("\\fR\n");
                paragraphs(m, text(p.description()));
            }
        }

        List<OptionSpec> options = new ArrayList<>();
        for (OptionSpec o : spec.options()) if (!o.hidden()) options.add(o);
        if (!options.isEmpty()) {
            m.append(".SH OPTIONS\n");
            for (OptionSpec o : options) {
                m.append(".TP\n");
                StringBuilder head = new StringBuilder();
                for (String n : o.names()) {
                    if (head.length() > 0) head.append(", ");
                    head.append("\\fB").append(escape(n)).append("\\fR");
                }
                if (o.negatable()) {
                    String negated = spec.negatableOptionTransformer().makeNegative(o.longestName(), spec);
                    if (negated != null && !negated.equals(o.longestName())) head.append(", \\fB").append(escape(negated)).append("\\fR");
                }
                if (o.arity().max() > 0) head.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
                m.append(lineStart(head.toString())).append('\n');
                paragraphs(m, text(o.description()));
            }
        }

        if (!spec.subcommands().isEmpty()) {
            m.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
                CommandSpec sub = e.getValue().getCommandSpec();
                if (sub.usageMessage().hidden() || !e.getKey().equals(sub.name())) continue;
                m.append(".TP\n\\fB").append(escape(e.getKey())).append("\\fR\n");
                paragraphs(m, firstSentence(description(sub)));
            }
        }

        Map<String, String> exitCodes = spec.usageMessage().exitCodeList();
        if (exitCodes.isEmpty() && spec.parent() != null) exitCodes = spec.root().usageMessage().exitCodeList();
        if (!exitCodes.isEmpty()) {
            m.append(".SH EXIT STATUS\n");
            for (Map.Entry<String, String> e : exitCodes.entrySet()) {
                m.append(".TP\n\\fB").append(escape(e.getKey().strip())).append("\\fR\n");
                paragraphs(m, e.getValue());
            }
        }

        List<String> related = new ArrayList<>();
        if (spec.parent() != null) related.add(pageName(spec.root()));
        for (CommandLine sub : spec.root().subcommands().values()) {
            CommandSpec s = sub.getCommandSpec();
            if (s != spec && !s.usageMessage().hidden() && !related.contains(pageName(s))) related.add(pageName(s));
        }
        if (!related.isEmpty()) {
            m.append(".SH SEE ALSO\n");
            for (int i = 0; i < related.size(); i++) {
                m.append(".BR ").append(escape(related.get(i))).append(" (1)").append(i + 1 < related.size() ? "," : "").append('\n');
            }
        }
        return m.toString();
    }

    private static String description(CommandSpec spec) {
        return text(spec.usageMessage().description());
    }

    /** Description lines as picocli prints them: format specifiers (%n, %%) applied. */
    private static String text(String[] lines) {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            if (b.length() > 0) b.append('\n');
            b.append(l.replace("%n", "\n").replace("%%", "%"));
        }
        return b.toString();
    }

    private static String firstSentence(String text) {
        String flat = text.replace('\n', ' ').strip();
        int dot = flat.indexOf(". ");
        return dot < 0 ? flat : flat.substring(0, dot + 1);
    }

    /** Text as filled paragraphs: blank lines separate them. */
    private static void paragraphs(StringBuilder m, String text) {
        boolean first = true;
        for (String para : text.strip().split("\n\\s*\n")) {
            if (para.isBlank()) continue;
            if (!first) m.append(".IP\n");
            first = false;
            for (String line : para.split("\n")) m.append(lineStart(escape(line.strip()))).append('\n');
        }
        if (first) m.append("\\&\n");
    }

    /** A backslash is troff's escape, a hyphen may be hyphenated, a dash must stay a minus sign. */
    static String escape(String s) {
        return s.replace("\\", "\\e").replace("-", "\\-");
    }

    /** A line starting with '.' or '\'' would be read as a request. */
    private static String lineStart(String line) {
        return line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line;
    }

    private static String quoted(String s) {
        return "\"" + escape(s).replace("\"", "\\(dq") + "\"";
    }
}
