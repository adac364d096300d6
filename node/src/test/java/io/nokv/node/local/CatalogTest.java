package io.nokv.node.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jbang-catalog.json against the checkout: every alias names an existing script and the module it
 * needs at the version the POM builds (a catalog that drifts from the POM would resolve another
 * build's jars from ~/.m2), every script is published, and no script reaches code by reflection.
 */
class CatalogTest {
    static final Path ROOT = Path.of(System.getProperty("nokv.root", "..")).toAbsolutePath().normalize();

    static String projectVersion() throws Exception {
        Matcher m = Pattern.compile("<artifactId>nokv-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(m.find(), "no nokv-parent version in pom.xml");
        return m.group(1);
    }

    @Test
    void everyAliasNamesAnExistingScriptAndTheModuleAtThePomsVersion() throws Exception {
        String version = projectVersion();
        JsonNode aliases = new ObjectMapper().readTree(ROOT.resolve("jbang-catalog.json").toFile()).get("aliases");
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = aliases.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> alias = it.next();
            String ref = alias.getValue().path("script-ref").asText();
            if (!Files.isRegularFile(ROOT.resolve(ref))) {
                problems.add(alias.getKey() + ": no script " + ref);
            }
            if (alias.getValue().path("description").asText().isBlank()) {
                problems.add(alias.getKey() + ": no description");
            }
            List<String> deps = new ArrayList<>();
            alias.getValue().path("dependencies").forEach(d -> deps.add(d.asText()));
            boolean module = deps.stream().anyMatch(d -> d.equals("io.nokv:nokv-node:" + version) || d.equals("io.nokv:nokv-tso:" + version)
                    || d.equals("io.nokv:nokv-redis:" + version));
            if (!module || deps.stream().anyMatch(d -> d.startsWith("io.nokv:") && !d.endsWith(":" + version))) {
                problems.add(alias.getKey() + ": dependencies " + deps + " do not name io.nokv:nokv-node (or nokv-tso, nokv-redis) at " + version);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyScriptIsPublishedAndNoneUsesReflection() throws Exception {
        JsonNode aliases = new ObjectMapper().readTree(ROOT.resolve("jbang-catalog.json").toFile()).get("aliases");
        Set<String> published = new HashSet<>();
        aliases.forEach(a -> published.add(a.path("script-ref").asText()));
        Pattern reflection = Pattern.compile("getMethod|getDeclaredMethod|Class\\.forName");
        try (Stream<Path> scripts = Files.list(ROOT.resolve("scripts"))) {
            for (Path script : (Iterable<Path>) scripts.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String name = "scripts/" + script.getFileName();
                assertTrue(published.contains(name), name + " is in no alias of jbang-catalog.json");
                assertTrue(!reflection.matcher(Files.readString(script)).find(), name + " reaches code by reflection");
            }
        }
    }
}
