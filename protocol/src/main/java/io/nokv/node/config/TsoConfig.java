package io.nokv.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The {@code tso} block: where the timestamp oracle binds and the URL clients use. */
public record TsoConfig(
        @JsonProperty("listen_addr") String listenAddr,
        @JsonProperty("advertise_url") String advertiseUrl) {
}
