package io.nokv.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The cluster description shared by every tool ({@code raft_config.json}; schema and rules in
 * {@code docs/node.md}, "Configuration"). Obtain it through {@link #load}, which validates it
 * whole: a loaded config has unique ids, known stores, parseable addresses and keys, and regions
 * that tile the key space.
 */
public record ClusterConfig(
        @JsonProperty("max_retries") Integer maxRetries,
        @JsonProperty("tso") TsoConfig tso,
        @JsonProperty("stores") List<StoreConfig> stores,
        @JsonProperty("regions") List<RegionConfig> regions) {

    public static final int DEFAULT_MAX_RETRIES = 5;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    public ClusterConfig {
        // Not List.copyOf: a null entry must reach the validator, which names it.
        stores = stores == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(stores));
        regions = regions == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(regions));
    }

    /** Far above any real topology (thousands of stores and regions); a larger file is a mistake. */
    static final long MAX_CONFIG_BYTES = 16L << 20;

    /** Reads and validates {@code file}; every problem is a {@link ConfigException} with a one-line message naming the file. */
    public static ClusterConfig load(Path file) {
        byte[] bytes;
        try {
            // A device (/dev/zero) would be read until memory runs out, a FIFO would block forever.
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new ConfigException(file + ": not a regular file (a directory, device or FIFO cannot be a config file)");
            }
            if (Files.exists(file) && Files.size(file) > MAX_CONFIG_BYTES) {
                throw new ConfigException(file + ": config file is " + Files.size(file) + " bytes, more than the "
                        + MAX_CONFIG_BYTES + " a topology file can need");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": config file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read config file: " + e.getMessage(), e);
        }
        return parse(file.toString(), bytes);
    }

    /** Parses and validates {@code json}; {@code source} prefixes error messages. */
    public static ClusterConfig parse(String source, byte[] json) {
        ClusterConfig config;
        try {
            config = MAPPER.readValue(json, ClusterConfig.class);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": " + describe(e), e);
        } catch (IOException e) {
            throw new ConfigException(source + ": cannot read config: " + e.getMessage(), e);
        }
        if (config == null) {
            throw new ConfigException(source + ": config is empty (JSON null)");
        }
        try {
            ConfigValidator.validate(config);
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
        return config;
    }

    private static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
        String path = e instanceof JsonMappingException m ? fieldPath(m.getPath()) : "";
        if (e instanceof UnrecognizedPropertyException u) {
            return where + "unknown field \"" + u.getPropertyName() + "\""
                    + (path.contains(".") ? " in " + path.substring(0, path.lastIndexOf('.')) : "");
        }
        if (e.getCause() instanceof JsonParseException cause) {
            e = cause;
        }
        String problem = e.getOriginalMessage().lines().findFirst().orElse("malformed JSON");
        boolean syntax = e instanceof JsonParseException || e.getCause() instanceof JsonParseException;
        if (!syntax && e instanceof JsonMappingException && !path.isEmpty()) {
            return where + "bad value for " + path + ": " + problem;
        }
        return where + "malformed JSON: " + problem;
    }

    private static String fieldPath(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : refs) {
            if (ref.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    public int effectiveMaxRetries() {
        return maxRetries == null || maxRetries <= 0 ? DEFAULT_MAX_RETRIES : maxRetries;
    }

    public Optional<StoreConfig> store(long storeId) {
        return stores.stream().filter(s -> s.storeId() == storeId).findFirst();
    }

    public Optional<RegionConfig> region(long regionId) {
        return regions.stream().filter(r -> r.id() == regionId).findFirst();
    }
}
