package io.nokv.redis.commands;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Every command the gateway knows, by lower-case name. */
public final class CommandTable {
    private final Map<String, CommandSpec> commands = new TreeMap<>();

    /** The full command set of the gateway. */
    public static CommandTable standard() {
        CommandTable t = new CommandTable();
        ConnectionCommands.register(t);
        ServerCommands.register(t);
        StringCommands.register(t);
        CounterCommands.register(t);
        KeyCommands.register(t);
        ExpiryCommands.register(t);
        return t;
    }

    void add(String name, int arity, String flags, int firstKey, int lastKey, int step, CommandSpec.Handler handler) {
        List<String> f = flags.isEmpty() ? List.of() : List.of(flags.split(" "));
        if (commands.put(name, new CommandSpec(name, arity, f, firstKey, lastKey, step, handler)) != null) {
            throw new IllegalStateException("command registered twice: " + name);
        }
    }

    public CommandSpec find(String lowerCaseName) {
        return commands.get(lowerCaseName);
    }

    public Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(commands.values());
    }
}
