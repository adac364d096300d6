package io.nokv.node.config;

/** Which address set of a store to use: processes on this host, or containers on a compose network. */
public enum AddressScope {
    LOCAL,
    DOCKER
}
