package dev.nostrcache.localstack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A launcher command line, read strictly: {@code [command] [arguments] [--option value]... [--config FILE]}, options
 * and {@code --config} anywhere. Every command says which options it takes and how many plain arguments; anything
 * else is a {@link UsageException}, never silently another command.
 *
 * @param command   the command (no command: {@code start})
 * @param arguments its plain arguments ({@code -} included: standard input or output)
 * @param options   option name (with its dashes) to value; a flag's value is {@code "true"}
 * @param config    the {@code --config} arguments to hand to the configuration loader (empty or two elements)
 */
public record CommandLine(String command, List<String> arguments, Map<String, String> options, List<String> config) {

    /** A command line the launcher does not understand; the message says why. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * What one command accepts.
     *
     * @param minArguments  plain arguments at least
     * @param maxArguments  plain arguments at most
     * @param valueOptions  options that take a value
     * @param flags         options that take none
     */
    public record Grammar(int minArguments, int maxArguments, List<String> valueOptions, List<String> flags) {
        public static Grammar none() {
            return new Grammar(0, 0, List.of(), List.of());
        }

        public static Grammar arguments(int exactly) {
            return new Grammar(exactly, exactly, List.of(), List.of());
        }

        public Grammar withValues(String... options) {
            return new Grammar(minArguments, maxArguments, List.of(options), flags);
        }

        public Grammar withFlags(String... options) {
            return new Grammar(minArguments, maxArguments, valueOptions, List.of(options));
        }
    }

    /** Reads {@code args} against the grammar of each command; an unknown command or option is refused. */
    public static CommandLine parse(List<String> args, Map<String, Grammar> grammars) throws UsageException {
        List<String> config = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--config")) {
                if (i + 1 >= args.size() || !config.isEmpty()) {
                    throw new UsageException(config.isEmpty() ? "--config needs a file name" : "--config is given twice");
                }
                config.add("--config");
                config.add(args.get(++i));
            } else {
                rest.add(args.get(i));
            }
        }
        String command = "start";
        if (!rest.isEmpty() && !rest.get(0).startsWith("--")) {
            command = rest.remove(0);
        }
        Grammar grammar = grammars.get(command);
        if (grammar == null) {
            throw new UsageException("unknown command '" + command + "'");
        }
        List<String> arguments = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < rest.size(); i++) {
            String word = rest.get(i);
            if (word.startsWith("--")) {
                if (grammar.flags().contains(word)) {
                    options.put(word, "true");
                } else if (grammar.valueOptions().contains(word)) {
                    if (i + 1 >= rest.size() || rest.get(i + 1).startsWith("--")) {
                        throw new UsageException(command + ": " + word + " needs a value");
                    }
                    if (options.put(word, rest.get(++i)) != null) {
                        throw new UsageException(command + ": " + word + " is given twice");
                    }
                } else {
                    throw new UsageException(command + " does not take the option " + word);
                }
            } else {
                arguments.add(word);
            }
        }
        if (arguments.size() < grammar.minArguments() || arguments.size() > grammar.maxArguments()) {
            throw new UsageException(command + " takes " + (grammar.minArguments() == grammar.maxArguments()
                    ? grammar.minArguments() == 0 ? "no arguments" : grammar.minArguments() + " argument" + (grammar.minArguments() == 1 ? "" : "s")
                    : grammar.minArguments() + " to " + grammar.maxArguments() + " arguments")
                    + (arguments.isEmpty() ? "" : ", not '" + String.join(" ", arguments) + "'"));
        }
        return new CommandLine(command, List.copyOf(arguments), options, List.copyOf(config));
    }

    public String option(String name) {
        return options.get(name);
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }
}
